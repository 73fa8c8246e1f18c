import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import sharp from 'sharp';

import { ImageIntakeError } from './errors.js';
import { detectFormat } from './format.js';
import { readDimensions } from './header.js';
import { DATA_ROOT, FACES, pngHeader, readData, sizOffset, withDeclaredSize } from './test-support.js';

function dimensions(buf: Buffer): { width: number; height: number } {
  const format = detectFormat(buf);
  assert.ok(format);
  return readDimensions(buf, format);
}

function assertCorrupt(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ImageIntakeError);
    assert.equal(error.code, 'IMAGE_CORRUPT');
    if (message) assert.match(error.message, message);
    return true;
  });
}

describe('readDimensions', () => {
  it('agrees with libvips on every PNG and JPEG of the data set', async () => {
    for (const folder of ['faces/face_recognition', 'faces/faceapi']) {
      for (const name of readdirSync(join(DATA_ROOT, folder)).filter((n) => /\.(png|jpe?g)$/.test(n))) {
        const buf = readData(`${folder}/${name}`);
        const meta = await sharp(buf).metadata();
        assert.deepEqual(dimensions(buf), { width: meta.width, height: meta.height }, name);
      }
    }
  });

  it('reads the JP2 and raw J2K headers', () => {
    assert.deepEqual(dimensions(readData(FACES.jp2)), { width: 626, height: 1200 });
    assert.deepEqual(dimensions(readData(FACES.jp2720)), { width: 1280, height: 720 });
    assert.deepEqual(dimensions(readData(FACES.j2k)), { width: 704, height: 612 });
  });

  it('reads a progressive JPEG and one with fill bytes before a marker', async () => {
    const progressive = await sharp(readData(FACES.jpeg240)).jpeg({ progressive: true }).toBuffer();
    assert.deepEqual(dimensions(progressive), { width: 427, height: 240 });
    const filled = Buffer.concat([progressive.subarray(0, 2), Buffer.from([0xff, 0xff]), progressive.subarray(2)]);
    assert.deepEqual(dimensions(filled), { width: 427, height: 240 });
  });

  it('reads huge declared sizes without decoding anything', () => {
    assert.deepEqual(dimensions(pngHeader(60000, 60000)), { width: 60000, height: 60000 });
    assert.deepEqual(dimensions(withDeclaredSize(readData(FACES.jp2), 12000, 12000)), { width: 12000, height: 12000 });
    assert.deepEqual(dimensions(withDeclaredSize(readData(FACES.j2k), 12000, 9000)), { width: 12000, height: 9000 });
  });

  it('subtracts the JPEG 2000 image offset from the reference grid size', () => {
    const file = Buffer.from(readData(FACES.j2k));
    file.writeUInt32BE(100, sizOffset(file) + 12); // XOsiz
    assert.deepEqual(dimensions(file), { width: 604, height: 612 });
  });

  it('refuses truncated headers instead of returning garbage', () => {
    assertCorrupt(() => readDimensions(readData(FACES.alphaPng).subarray(0, 20), 'png'), /truncated/);
    assertCorrupt(() => readDimensions(readData(FACES.jpeg1080).subarray(0, 100), 'jpeg'), /truncated/);
    assertCorrupt(() => readDimensions(readData(FACES.jp2).subarray(0, 60), 'jp2'), /truncated/);
    assertCorrupt(() => readDimensions(readData(FACES.j2k).subarray(0, 30), 'j2k'), /truncated/);
    assertCorrupt(() => readDimensions(readData(FACES.j2k).subarray(0, 4), 'j2k'), /truncated/);
  });

  it('sees a truncated JP2 from its codestream box length', () => {
    const jp2 = readData(FACES.jp2);
    assertCorrupt(() => readDimensions(jp2.subarray(0, Math.floor(jp2.length * 0.4)), 'jp2'), /truncated/);
  });

  it('refuses a PNG whose IHDR fails its CRC', () => {
    const png = pngHeader(640, 480);
    png[20] = 0x01; // height's low byte, now 481
    assertCorrupt(() => readDimensions(png, 'png'), /CRC/);
  });

  it('refuses a JP2 whose ihdr box disagrees with its codestream', () => {
    const jp2 = Buffer.from(readData(FACES.jp2));
    const ihdr = jp2.indexOf('ihdr', 0, 'latin1');
    jp2.writeUInt32BE(100, ihdr + 4);
    assertCorrupt(() => readDimensions(jp2, 'jp2'), /100x626|626x100/);
  });

  it('refuses an inconsistent SIZ marker rather than trusting its size fields', () => {
    const j2k = Buffer.from(readData(FACES.j2k));
    j2k.writeUInt16BE(5, sizOffset(j2k) + 36); // Csiz: 5 components in a segment sized for 3
    assertCorrupt(() => readDimensions(j2k, 'j2k'), /SIZ/);
  });

  it('refuses a JPEG that reaches its image data without a frame header', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9]);
    assertCorrupt(() => readDimensions(jpeg, 'jpeg'), /SOF/);
  });
});
