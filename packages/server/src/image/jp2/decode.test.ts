import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { encodeJ2k, FACES, readData, sizOffset } from '../test-support.js';
import { readJpeg2000Header, type Jpeg2000Header } from './codestream.js';
import { createJpeg2000Decoder, type Jpeg2000Decoder, MAX_TILES, toEightBit, unsupportedReason } from './decode.js';

const frame = { width: 2, height: 1, bitsPerSample: 8, componentCount: 1, isSigned: false };

/** Little-endian 16-bit words, as the codec returns samples above 8 bits. */
function words(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  values.forEach((v, i) => new DataView(out.buffer).setUint16(2 * i, v, true));
  return out;
}

describe('toEightBit', () => {
  it('hands 8-bit samples over as they are', () => {
    const decoded = Uint8Array.of(0, 200);
    assert.equal(toEightBit(decoded, frame).data, decoded);
  });

  it('scales 12- and 16-bit words and low precisions to the full 8-bit range', () => {
    assert.deepEqual([...toEightBit(words(0, 4095), { ...frame, bitsPerSample: 12 }).data], [0, 255]);
    assert.deepEqual([...toEightBit(words(2048, 65535), { ...frame, bitsPerSample: 16 }).data], [8, 255]);
    assert.deepEqual([...toEightBit(Uint8Array.of(15, 8), { ...frame, bitsPerSample: 4 }).data], [255, 136]);
    const rgb = toEightBit(words(0, 1023, 512, 1, 2, 3), { ...frame, width: 2, componentCount: 3, bitsPerSample: 10 });
    assert.equal(rgb.channels, 3);
    assert.deepEqual([...rgb.data], [0, 255, 128, 0, 0, 1]);
  });

  it('refuses output whose length does not match its frame', () => {
    assert.throws(() => toEightBit(Uint8Array.of(1, 2, 3), frame), /3 bytes for 2x1x1/);
    assert.throws(() => toEightBit(words(1, 2), { ...frame, bitsPerSample: 16, height: 2 }), /bytes/);
    assert.throws(() => toEightBit(new Uint8Array(8), { ...frame, componentCount: 4 }), /4 components/);
  });
});

describe('unsupportedReason', () => {
  const rgb: Jpeg2000Header = readJpeg2000Header(readData(FACES.jp2));
  const component = { precision: 8, signed: false, dx: 1, dy: 1 };

  it('accepts the real JP2 and J2K files', () => {
    assert.equal(unsupportedReason(rgb), undefined);
    assert.equal(unsupportedReason(readJpeg2000Header(readData(FACES.j2k))), undefined);
    assert.equal(unsupportedReason({ ...rgb, components: [{ ...component, precision: 16 }] }), undefined);
  });

  it('names what this codec build cannot decode', () => {
    const cases: Array<[Partial<Jpeg2000Header>, RegExp]> = [
      [{ components: [component, component, component, component] }, /4 components/],
      [{ components: [component, component] }, /2 components/],
      [{ components: [component, { ...component, signed: true }, component] }, /signed/],
      [{ components: [component, { ...component, dx: 2, dy: 2 }, { ...component, dx: 2, dy: 2 }] }, /subsampled/],
      [{ components: [component, { ...component, precision: 12 }, component] }, /mixes/],
      [{ components: [{ ...component, precision: 20 }] }, /20-bit/],
      [{ tiles: MAX_TILES + 1 }, /tiles/],
    ];
    for (const [patch, reason] of cases) assert.match(unsupportedReason({ ...rgb, ...patch }) ?? '', reason);
  });
});

describe('createJpeg2000Decoder (on this thread)', () => {
  let decoder: Jpeg2000Decoder;
  before(async () => {
    decoder = await createJpeg2000Decoder();
  });

  it('decodes the JP2 and the raw codestream', () => {
    const jp2 = decoder.decode(readData(FACES.jp2));
    assert.deepEqual([jp2.width, jp2.height, jp2.channels, jp2.data.length], [626, 1200, 3, 626 * 1200 * 3]);
    const j2k = decoder.decode(readData(FACES.j2k));
    assert.deepEqual([j2k.width, j2k.height, j2k.channels], [704, 612, 3]);
  });

  it('decodes 8-bit grey, and 12- and 16-bit grey scaled to 8 bits', async () => {
    const width = 64;
    const height = 32;
    const grey8 = Uint8Array.from({ length: width * height }, (_, i) => i % width * 4);
    const out8 = decoder.decode(await encodeJ2k(grey8, { width, height, bitsPerSample: 8, componentCount: 1 }));
    assert.equal(out8.channels, 1);
    assert.deepEqual(out8.data, grey8);

    for (const bits of [12, 16]) {
      const max = 2 ** bits - 1;
      const values = Array.from({ length: width * height }, (_, i) => Math.round(((i % width) / (width - 1)) * max));
      const out = decoder.decode(await encodeJ2k(words(...values), { width, height, bitsPerSample: bits, componentCount: 1 }));
      assert.deepEqual([out.width, out.height, out.channels], [width, height, 1]);
      assert.deepEqual(out.data.subarray(0, width), Uint8Array.from(values.slice(0, width), (v) => Math.round((v * 255) / max)), `${bits} bits`);
    }
  });

  it('decodes 3 components of 12 bits (little-endian words from the codec) to 8 bits', () => {
    const j2k = Buffer.from(readData(FACES.j2k));
    const eight = decoder.decode(j2k);
    // Same coefficients read as 12-bit samples: the decoder's DC shift becomes 2048 instead of 128.
    for (let c = 0; c < 3; c++) j2k[sizOffset(j2k) + 38 + 3 * c] = 11;
    const twelve = decoder.decode(j2k);
    assert.equal(twelve.channels, 3);
    let off = 0;
    for (let i = 0; i < eight.data.length; i++) {
      off += Math.abs((twelve.data[i] as number) - Math.round((((eight.data[i] as number) + 1920) * 255) / 4095));
    }
    assert.ok(off / eight.data.length < 0.1, `mean deviation ${off / eight.data.length}`);
  });

  it('refuses 4 components before the codec (which would throw a bare C++ exception) sees them', async () => {
    const width = 32;
    const rgba = Uint8Array.from({ length: width * width * 4 }, (_, i) => (i >> 2) & 0xff);
    const j2k = await encodeJ2k(rgba, { width, height: width, bitsPerSample: 8, componentCount: 4 });
    assert.throws(() => decoder.decode(j2k), /4 components/);
  });

  it('refuses a tile bomb before decoding', () => {
    // The same 64 KB codestream re-tiled into 3x3-pixel tiles: 47 940 tiles.
    const j2k = Buffer.from(readData(FACES.j2k));
    j2k.writeUInt32BE(3, sizOffset(j2k) + 20);
    j2k.writeUInt32BE(3, sizOffset(j2k) + 24);
    const start = performance.now();
    assert.throws(() => decoder.decode(j2k), /47940 tiles/);
    assert.ok(performance.now() - start < 50);
  });

  it('turns the codec\'s silent empty result into an error with OpenJPEG\'s reason', () => {
    const j2k = readData(FACES.j2k);
    assert.throws(() => decoder.decode(j2k.subarray(0, Math.floor(j2k.length * 0.4))), /OpenJPEG could not decode the image: .+/);
  });

  it('still decodes after the codec failed', () => {
    const j2k = readData(FACES.j2k);
    assert.throws(() => decoder.decode(j2k.subarray(0, j2k.length - 2)), /OpenJPEG/);
    assert.equal(decoder.decode(readData(FACES.jp2240)).width, 427);
  });
});
