import assert from 'node:assert/strict';
import { test } from 'node:test';
import { leastSquares, simpleRegression } from './least-squares.js';
import { bestFit, exposureOf, fitAtDelay, scanDelays, stepGains, stepResponses, type Sample } from './fit.js';
import { linearRgb, type Rgb } from './srgb.js';
import { buildTimeline, emittedOver } from './timeline.js';

const palette: [number, number, number][] = [[255, 255, 255], [0, 0, 255], [255, 255, 0], [0, 0, 0], [0, 255, 255], [255, 0, 255], [0, 255, 0], [255, 255, 255]];
const colors = palette.map((rgb) => ({ rgb, ms: 300 }));
const displays = colors.map((_, i) => 1000 + i * 300 + (i % 3) * 17);
const tl = buildTimeline(colors, displays);

/** A face exactly as the model says: base + gain ⊙ screen(t − delay) + neutral + drift, no noise. */
function face(delay: number, gain: Rgb, drift = 0): Sample[] {
  const out: Sample[] = [];
  for (let t = 500; t < 4000; t += 1000 / 30) {
    const e = emittedOver(tl, t - delay - 33, t - delay);
    out.push({ t, y: [0, 1, 2].map((c) => 80 + 10 * c + gain[c]! * e.rgb[c]! + 20 * e.neutral + (drift * (t - 2000)) / 1000) as Rgb });
  }
  return out;
}

test('least squares recovers an exact linear model and zeroes a column that never varies', () => {
  const rows = [[1, 0, 0], [1, 1, 0], [1, 2, 0], [1, 3, 0]];
  const coef = leastSquares(rows, [1, 3, 5, 7]);
  assert.deepEqual(coef.map((v) => Number(v.toFixed(6))), [1, 2, 0]);
  const r = simpleRegression([0, 1, 2, 3], [1, 3, 5, 7.5]);
  assert.ok(Math.abs(r.slope - 2.15) < 1e-9 && r.slopeSe > 0);
  assert.ok(Number.isNaN(simpleRegression([0, 1], [0, 1]).slopeSe));
});

test('the delay scan finds the simulated delay and the fit recovers gain, base and drift', () => {
  const samples = face(120, [30, 20, 10], 3);
  const exposure = exposureOf(samples);
  assert.ok(Math.abs(exposure - 33.3) < 0.5);
  const fits = scanDelays(samples, tl, { fromMs: -100, toMs: 600, stepMs: 10 }, exposure);
  const best = bestFit(fits)!;
  assert.ok(Math.abs(best.delayMs - 120) <= 10, `delay ${best.delayMs}`);
  const exact = fitAtDelay(samples, tl, 120, 33);
  assert.deepEqual(exact.channels.map((c) => Math.round(c.gain)), [30, 20, 10]);
  // The base is the level at the samples' mean time, which the drift has moved.
  const drifted = (3 * (exact.t0 - 2000)) / 1000;
  assert.deepEqual(exact.channels.map((c) => Math.round(c.base - drifted)), [80, 90, 100]);
  assert.deepEqual(exact.channels.map((c) => Math.round(c.neutral)), [20, 20, 20]);
  assert.ok(Math.abs(exact.channels[0].drift - 3) < 0.01);
  assert.ok(exact.rss < 1e-6 && exact.explained > 0);
  // Restricted to a window that excludes it, the best is at the window's edge.
  assert.equal(bestFit(fits, 200, 350)!.delayMs, 200);
});

test('step responses and step gains: the response per colour relative to the black-screen level', () => {
  const samples = face(100, [30, 20, 10]);
  const fit = fitAtDelay(samples, tl, 100, 33);
  const steps = stepResponses(samples, tl, fit, 33);
  assert.equal(steps.length, colors.length);
  for (const s of steps) {
    const e = linearRgb(colors[s.index]!.rgb);
    assert.deepEqual(s.response.map((v) => Math.round(v)), [30 * e[0], 20 * e[1], 10 * e[2]].map(Math.round));
    assert.ok(s.frames >= 6);
  }
  const gains = stepGains(steps);
  assert.deepEqual(gains.gain.map((g) => Math.round(g)), [30, 20, 10]);
  assert.ok(gains.residualRms < 1e-6 && gains.noiseRms < 1e-6 && gains.variationRms > 5);
});
