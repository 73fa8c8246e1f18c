import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measurePixelQuality } from './quality.js';
import type { RgbImage } from './raster.js';

function image(size: number, pixel: (x: number, y: number) => number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.fill(pixel(x, y), (y * size + x) * 3, (y * size + x) * 3 + 3);
  return { data, width: size, height: size };
}

test('a flat grey face has no range, no sharpness and even light', () => {
  const q = measurePixelQuality(image(224, () => 128));
  assert.equal(q.dynamicRange, 0);
  assert.equal(q.sharpness, 0);
  assert.equal(q.illuminationRatio, 1);
  assert.equal(q.overexposedShare, 0);
  assert.equal(q.underexposedShare, 0);
});

test('saturated and black pixels are counted as shares', () => {
  assert.equal(measurePixelQuality(image(224, () => 255)).overexposedShare, 1);
  assert.equal(measurePixelQuality(image(224, () => 0)).underexposedShare, 1);
});

test('a half-lit face has an uneven illumination ratio', () => {
  const q = measurePixelQuality(image(224, (x) => (x < 112 ? 50 : 200)));
  assert.ok(Math.abs(q.illuminationRatio - 0.25) < 0.02);
  assert.ok(q.dynamicRange >= 150);
});

test('fine texture is sharper than a smooth ramp', () => {
  const noise = measurePixelQuality(image(224, (x, y) => ((x * 7919 + y * 104729) % 97) * 2));
  const ramp = measurePixelQuality(image(224, (x) => x));
  assert.ok(noise.sharpness > 100 * Math.max(ramp.sharpness, 1));
});
