import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARCFACE_REFERENCE, applySimilarity, fitSimilarity, inverseAffine } from './align.js';

test('fitSimilarity recovers a known rotation, scale and shift', () => {
  const truth = { a: 2 * Math.cos(0.3), b: 2 * Math.sin(0.3), tx: 15, ty: -4 };
  const src = ARCFACE_REFERENCE;
  const dst = src.map((p) => applySimilarity(truth, p));
  const fit = fitSimilarity(src, dst);
  for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(fit[k] - truth[k]) < 1e-9, k);
});

test('fitSimilarity is the least-squares answer under noise (no reflection, no shear)', () => {
  const src = ARCFACE_REFERENCE;
  const dst = src.map((p, i) => ({ x: p.x + (i % 2 ? 0.5 : -0.5), y: p.y + (i % 3 ? 0.4 : -0.4) }));
  const fit = fitSimilarity(src, dst);
  assert.ok(Math.abs(Math.hypot(fit.a, fit.b) - 1) < 0.05);
  assert.ok(fit.a > 0);
});

test('inverseAffine maps aligned points back to the source', () => {
  const s = fitSimilarity([{ x: 100, y: 200 }, { x: 180, y: 210 }], [ARCFACE_REFERENCE[0]!, ARCFACE_REFERENCE[1]!]);
  const [a, b, c, d, e, f] = inverseAffine(s);
  const q = applySimilarity(s, { x: 140, y: 250 });
  assert.ok(Math.abs(a * q.x + b * q.y + c - 140) < 1e-9);
  assert.ok(Math.abs(d * q.x + e * q.y + f - 250) < 1e-9);
});

test('fitSimilarity refuses degenerate input', () => {
  assert.throws(() => fitSimilarity([{ x: 1, y: 1 }], [{ x: 1, y: 1 }]));
  assert.throws(() => fitSimilarity([{ x: 1, y: 1 }, { x: 1, y: 1 }], ARCFACE_REFERENCE.slice(0, 2)));
});
