import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameStats } from './frame-stats.js';

function image(width: number, height: number, grey: (x: number, y: number) => number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = grey(x, y);
      rgba.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return rgba;
}

test('a flat grey image has its luma as mean and no sharpness', () => {
  const stats = frameStats(image(16, 16, () => 100), 16, 16);
  assert.ok(Math.abs(stats.meanLuma - 100) < 1e-3);
  assert.equal(stats.saturatedFraction, 0);
  assert.ok(stats.sharpness < 1e-6);
});

test('luma weights follow BT.601', () => {
  const red = new Uint8ClampedArray([255, 0, 0, 255]);
  assert.ok(Math.abs(frameStats(red, 1, 1).meanLuma - 76.245) < 1e-3);
});

test('saturated pixels are counted', () => {
  const stats = frameStats(image(10, 10, (x) => (x < 3 ? 255 : 128)), 10, 10);
  assert.ok(Math.abs(stats.saturatedFraction - 0.3) < 1e-9);
});

test('fine detail is sharper than a smooth gradient', () => {
  const checker = frameStats(image(32, 32, (x, y) => ((x + y) % 2 ? 200 : 50)), 32, 32);
  const ramp = frameStats(image(32, 32, (x) => x * 8), 32, 32);
  assert.ok(checker.sharpness > 10);
  assert.ok(ramp.sharpness < 1e-6);
});

test('sharpness does not depend on contrast, so a dim face is not called blurred', () => {
  const stripes = (amplitude: number) => image(32, 32, (x) => 100 + (x % 4 < 2 ? amplitude : -amplitude));
  const bright = frameStats(stripes(60), 32, 32).sharpness;
  const dim = frameStats(stripes(15), 32, 32).sharpness;
  assert.ok(Math.abs(bright - dim) < 1e-3 * bright, `${bright} vs ${dim}`);
});
