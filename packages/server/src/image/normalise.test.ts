import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { decodeCameraFrame, decodeEncoded } from './normalise.js';

/** A 64x48 gradient, so a wrong channel order or row stride shows in the pixels. */
function gradient(): Sharp {
  const width = 64, height = 48;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x * 4, y * 5, 255 - x * 2], (y * width + x) * 3);
  }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

const maxDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('decodeCameraFrame', () => {
  test('a colour JPEG decodes to the same pixels as decodeEncoded', async () => {
    const jpeg = await gradient().jpeg({ quality: 85 }).toBuffer();
    const frame = await decodeCameraFrame(jpeg, 64 * 48);
    const general = await decodeEncoded(jpeg, 64 * 48);
    assert.deepEqual([frame.width, frame.height, frame.data.length], [64, 48, 64 * 48 * 3]);
    assert.equal(maxDiff(frame.data, general.data), 0);
  });

  test('grey and CMYK JPEGs come out as 3-channel sRGB', async () => {
    const grey = await gradient().toColourspace('b-w').jpeg().toBuffer();
    const cmyk = await gradient().toColourspace('cmyk').jpeg().toBuffer();
    assert.equal((await sharp(grey).metadata()).channels, 1);
    assert.equal((await sharp(cmyk).metadata()).channels, 4);
    for (const jpeg of [grey, cmyk]) {
      const frame = await decodeCameraFrame(jpeg, 64 * 48);
      assert.equal(frame.data.length, 64 * 48 * 3);
      assert.equal(maxDiff(frame.data, (await decodeEncoded(jpeg, 64 * 48)).data), 0);
    }
  });

  test('an orientation tag is ignored: the pixels stay as stored, at the size the header declares', async () => {
    const jpeg = await gradient().withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const frame = await decodeCameraFrame(jpeg, 64 * 48);
    assert.deepEqual([frame.width, frame.height], [64, 48]);
    assert.equal((await decodeEncoded(jpeg, 64 * 48)).width, 48);
  });

  test('truncated data and images over the pixel limit are refused', async () => {
    const jpeg = await gradient().jpeg().toBuffer();
    await assert.rejects(decodeCameraFrame(jpeg.subarray(0, jpeg.length - 200), 64 * 48));
    await assert.rejects(decodeCameraFrame(jpeg, 64 * 47));
  });
});
