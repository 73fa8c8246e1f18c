import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CropAverage } from './crop-average.js';

const crop = (values: number[]) => ({ data: Uint8Array.from(values), width: 1, height: 1 });

test('the running mean of crops, rounded to 8 bits', () => {
  const avg = new CropAverage();
  assert.equal(avg.mean(), undefined);
  avg.add(crop([10, 200, 0]));
  avg.add(crop([11, 100, 255]));
  avg.add(crop([12, 0, 255]));
  assert.equal(avg.count, 3);
  assert.deepEqual([...avg.mean()!.data], [11, 100, 170]);
});

test('independent noise shrinks with the square root of the count', () => {
  let state = 12345;
  const noise = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state / 2 ** 32 - 0.5) * 40;
  };
  const size = 64 * 64 * 3;
  const avg = new CropAverage();
  for (let k = 0; k < 16; k++) avg.add({ data: Uint8Array.from({ length: size }, () => 128 + noise()), width: 64, height: 64 });
  const mean = avg.mean()!.data;
  const sd = Math.sqrt(mean.reduce((a, v) => a + (v - 128) ** 2, 0) / size);
  // One crop: 40/sqrt(12) ≈ 11.5 levels; sixteen: a quarter of that, plus rounding.
  assert.ok(sd > 2.3 && sd < 3.6, `sd ${sd}`);
});

test('crops of another size are refused', () => {
  const avg = new CropAverage();
  avg.add({ data: new Uint8Array(12), width: 2, height: 2 });
  assert.throws(() => avg.add(crop([1, 2, 3])), /must all be 2x2/);
});
