import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RgbImage } from '../analysis/raster.js';
import { PassiveLiveness } from './passive-liveness.js';

/** A scorer that reports the mean pixel value of what it is given, and records how many windows it saw. */
function scorer() {
  const seen: number[] = [];
  return {
    seen,
    scoreLiveness: async (crop: RgbImage) => {
      const v = crop.data.reduce((a, x) => a + x, 0) / crop.data.length;
      seen.push(v);
      return v / 255;
    },
  };
}
const crop = (v: number): RgbImage => ({ data: new Uint8Array(12).fill(v), width: 2, height: 2 });

test('crops are averaged in windows and the session scored by the median window', async () => {
  const pool = scorer();
  const passive = new PassiveLiveness(pool, 4);
  for (const v of [0, 40, 80, 120, /* */ 200, 200, 200, 200, /* */ 255, 255, 255, 255]) passive.add(crop(v));
  assert.equal(await passive.score(), 200 / 255);
  assert.deepEqual(pool.seen, [60, 200, 255]);
});

test('a last window at least half full counts; a smaller remainder does not', async () => {
  const half = scorer();
  const a = new PassiveLiveness(half, 4);
  for (const v of [100, 100, 100, 100, 10, 10]) a.add(crop(v));
  await a.score();
  assert.deepEqual(half.seen, [100, 10]);

  const small = scorer();
  const b = new PassiveLiveness(small, 4);
  for (const v of [100, 100, 100, 100, 10]) b.add(crop(v));
  assert.equal(await b.score(), 100 / 255);
  assert.deepEqual(small.seen, [100]);
});

test('fewer frames than a window: scored on what there is; none: undefined', async () => {
  const pool = scorer();
  const few = new PassiveLiveness(pool, 8);
  few.add(crop(50));
  few.add(crop(150));
  assert.equal(await few.score(), 100 / 255);
  assert.equal(await new PassiveLiveness(scorer(), 8).score(), undefined);
});

test('a failed window scoring rejects the score', async () => {
  const passive = new PassiveLiveness({ scoreLiveness: () => Promise.reject(new Error('worker died')) }, 2);
  passive.add(crop(1));
  passive.add(crop(1));
  await assert.rejects(passive.score(), /worker died/);
});
