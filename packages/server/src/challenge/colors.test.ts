import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ColorStep } from '@facelight/protocol';
import { DEFAULT_DYNAMIC_CHALLENGE } from '../config.js';
import { seeded } from '../reflection/test-support.js';
import { drawColorSequence, flashesPerSecond, flashTransitions, isSaturatedRed, paletteProblem, spansChannels, type Rgb8 } from './colors.js';

const W: Rgb8 = [255, 255, 255], K: Rgb8 = [0, 0, 0], Y: Rgb8 = [255, 255, 0], C: Rgb8 = [0, 255, 255], B: Rgb8 = [0, 0, 255];
const steps = (rgbs: Rgb8[], ms: number): ColorStep[] => rgbs.map((rgb) => ({ rgb, ms }));
const alternate = (n: number, ms: number, a = W, b = K) => steps(Array.from({ length: n }, (_, i) => (i % 2 ? b : a)), ms);

describe('WCAG 2.3.1 general flashes', () => {
  test('black and white alternating: a flash is a pair of opposing changes', () => {
    // Changes every 100 ms: 10 a second, 5 flashes.
    assert.equal(flashesPerSecond(alternate(20, 100)), 5);
    // Every 250 ms: at most 4 changes in any second, 2 flashes.
    assert.equal(flashesPerSecond(alternate(12, 250)), 2);
    // 7 changes fit in a second at 142 ms (3 flashes, allowed); 8 at 125 ms (4, too many).
    assert.equal(flashesPerSecond(alternate(8, 142)), 3);
    assert.equal(flashesPerSecond(alternate(9, 125)), 4);
  });

  test('the window is one second, half open: changes exactly 1000 ms apart are in different windows', () => {
    // Changes at 0+500, 1000, 1500, 2000 ...: pairs 500 ms apart fit, a third change at +1000 does not.
    assert.equal(flashTransitions(alternate(4, 500)).length, 3);
    assert.equal(flashesPerSecond(alternate(4, 500)), 1);
  });

  test('changes below 10 % of the maximum, or between two bright states, are not flashes', () => {
    // White (1.0) and yellow (0.93): the darker state is above 0.80.
    assert.equal(flashTransitions(steps([W, Y, W, Y, W, Y, W, Y], 100)).length, 0);
    // Dark greys 0.005 apart.
    assert.equal(flashTransitions(steps([[10, 10, 10], [20, 20, 20], [10, 10, 10], [20, 20, 20]], 100)).length, 0);
    // Cyan (0.79) against white (1.0) is a flash: the darker state is below 0.80.
    assert.equal(flashTransitions(steps([W, C, W], 300)).length, 2);
  });

  test('a climb of small steps counts once it adds up to a full change', () => {
    const greys = [0, 40, 60, 75, 88].map((v) => [v, v, v] as Rgb8); // 0, 0.021, 0.045, 0.071, 0.097... then up
    assert.equal(flashTransitions(steps([...greys, [100, 100, 100]], 200)).length, 1);
    assert.equal(flashTransitions(steps(greys.slice(0, 2), 200)).length, 0);
  });

  test('an empty or single-colour sequence has no flashes', () => {
    assert.equal(flashesPerSecond([]), 0);
    assert.equal(flashesPerSecond(steps([W], 4000)), 0);
  });
});

test('saturated red (WCAG red flash) is recognised; magenta, white, black and skin tones are not', () => {
  for (const red of [[255, 0, 0], [255, 40, 40], [200, 0, 20], [255, 60, 0]]) assert.ok(isSaturatedRed(red), String(red));
  for (const other of [[255, 0, 255], [255, 255, 255], [0, 0, 0], [200, 120, 120], [255, 255, 0], [20, 0, 0]]) assert.ok(!isSaturatedRed(other), String(other));
});

test('palettes without red, repeats or a dead channel are accepted', () => {
  assert.equal(paletteProblem(DEFAULT_DYNAMIC_CHALLENGE.palette), undefined);
  assert.match(paletteProblem([...DEFAULT_DYNAMIC_CHALLENGE.palette, [255, 0, 0]])!, /saturated red/);
  assert.match(paletteProblem([W, K, Y, W])!, /repeats/);
  // Blue never lit: the face's blue response could not be told from its baseline.
  assert.match(paletteProblem([K, Y, [0, 255, 0], [128, 255, 0]])!, /every channel/);
  assert.match(paletteProblem([W, K, B])!, /at least 4/);
});

describe('drawing a sequence', () => {
  const counted = (seed: number) => {
    const rand = seeded(seed);
    return (min: number, max: number) => min + Math.floor(rand() * (max - min));
  };

  test('the default draw: 10 palette colours of 250–400 ms, each differing from the last, flash-safe, spanning the channels', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const seq = drawColorSequence(DEFAULT_DYNAMIC_CHALLENGE, counted(seed));
      assert.equal(seq.length, 10);
      assert.ok(seq.reduce((a, s) => a + s.ms, 0) <= 4000);
      for (const [i, s] of seq.entries()) {
        assert.ok(s.ms >= 250 && s.ms <= 400, `${s.ms} ms`);
        assert.ok(DEFAULT_DYNAMIC_CHALLENGE.palette.some((p) => p.join() === s.rgb.join()));
        if (i > 0) assert.notEqual(s.rgb.join(), seq[i - 1]!.rgb.join());
      }
      assert.ok(flashesPerSecond(seq) <= 3);
      assert.ok(spansChannels(seq));
    }
  });

  test('with node:crypto by default: two draws differ', () => {
    const a = drawColorSequence(DEFAULT_DYNAMIC_CHALLENGE), b = drawColorSequence(DEFAULT_DYNAMIC_CHALLENGE);
    assert.notDeepEqual(a, b);
  });

  test('fast steps stay within 3 flashes a second: the generator picks safe colours or holds one longer', () => {
    const fast = { count: 20, palette: [W, K, B, Y, C, [255, 0, 255] as Rgb8], stepMs: { min: 100, max: 250 } };
    for (let seed = 1; seed <= 100; seed++) assert.ok(flashesPerSecond(drawColorSequence(fast, counted(seed))) <= 3);
    // Always the shortest step and the first allowed colour (white, black, white, ...): only the
    // choice of safe colours and stretched steps keep it safe.
    assert.ok(flashesPerSecond(drawColorSequence(fast, (min) => min)) <= 3);
  });

  test('settings that cannot give a channel-spanning sequence are refused', () => {
    assert.throws(() => drawColorSequence({ count: 6, palette: [W, K, Y, C], stepMs: { min: 300, max: 300 } }, () => 0), /no flash-safe colour sequence/);
  });
});
