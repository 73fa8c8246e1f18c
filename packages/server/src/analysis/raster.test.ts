import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxReduce, rectToAffine, resize, warpAffine, type Affine, type RgbImage } from './raster.js';

/** A smooth gradient with seeded noise on top, so interpolation errors show. */
function testImage(width: number, height: number, seed = 7): RgbImage {
  let state = seed;
  const noise = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state >>> 16) % 64;
  };
  const data = new Uint8Array(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data[i++] = ((x * 160) / width + noise()) | 0;
      data[i++] = ((y * 160) / height + noise()) | 0;
      data[i++] = (((x + y) * 80) / (width + height) + noise()) | 0;
    }
  }
  return { data, width, height };
}

const largestDifference = (p: RgbImage, q: RgbImage) => p.data.reduce((m, v, i) => Math.max(m, Math.abs(v - q.data[i]!)), 0);

test('a crop without rotation samples like the general warp: shrinking, enlarging, past the border', () => {
  const img = testImage(257, 193);
  const maps: [string, Affine, number, number][] = [
    ['shrink 1.6x (2x2 taps)', rectToAffine(40.3, 20.7, 150, 150, 96, 96), 96, 96],
    ['shrink 7.5x (4x4 taps)', rectToAffine(-30, -10, 300, 240, 40, 32), 40, 32],
    ['enlarge 2.7x', rectToAffine(100.3, 50.7, 29.6, 22.2, 80, 60), 80, 60],
    ['past every border', rectToAffine(-60, -60, 400, 320, 64, 64), 64, 64],
  ];
  for (const [name, m, w, h] of maps) {
    const fast = warpAffine(img, m, w, h);
    // A rotation far below a thousandth of a pixel takes the general path; summing in another order may round a rare value the other way.
    const general = warpAffine(img, [m[0], 1e-12, m[2], 1e-12, m[4], m[5]], w, h);
    assert.equal(fast.data.length, w * h * 3, name);
    assert.ok(largestDifference(fast, general) <= 1, `${name}: differs by ${largestDifference(fast, general)}`);
    const off = fast.data.filter((v, i) => v !== general.data[i]).length;
    assert.ok(off <= fast.data.length / 200, `${name}: ${off} values differ`);
  }
});

test('a shrinking warp averages its taps instead of aliasing a fine pattern', () => {
  // One-pixel black and white columns: a single tap per output pixel would read all black or all white.
  const stripes: RgbImage = { data: new Uint8Array(64 * 64 * 3), width: 64, height: 64 };
  for (let i = 0; i < 64 * 64; i++) if ((i % 64) % 2 === 1) stripes.data.fill(255, i * 3, i * 3 + 3);
  const small = warpAffine(stripes, rectToAffine(0, 0, 64, 64, 16, 16), 16, 16);
  // Away from the border, where edge replication repeats the black first column.
  for (let y = 1; y < 15; y++) {
    for (let x = 1; x < 15; x++) assert.ok(Math.abs(small.data[(y * 16 + x) * 3]! - 128) <= 1, `(${x}, ${y}): ${small.data[(y * 16 + x) * 3]}`);
  }
});

test('resize by a whole factor is the block average; other sizes warp after it', () => {
  const img = testImage(64, 48);
  assert.deepEqual(resize(img, 32, 24), boxReduce(img, 2));
  const odd = resize(img, 20, 15);
  assert.equal(odd.width, 20);
  assert.equal(odd.height, 15);
  // 64/20 = 3.2: blocks of 3 (21x16), then the warp.
  const block = boxReduce(img, 3);
  assert.deepEqual(odd, warpAffine(block, rectToAffine(0, 0, 21, 16, 20, 15), 20, 15));
});

test('boxReduce averages each block and rounds', () => {
  const img: RgbImage = { data: Uint8Array.from([0, 0, 0, 1, 2, 3, 10, 20, 30, 11, 21, 31]), width: 2, height: 2 };
  assert.deepEqual([...boxReduce(img, 2).data], [6, 11, 16]);
});
