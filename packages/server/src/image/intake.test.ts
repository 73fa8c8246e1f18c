import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import sharp from 'sharp';

import { longestStall } from '../../test/event-loop.js';
import { ImageIntakeError } from './errors.js';
import { createImageIntake, DEFAULT_IMAGE_LIMITS, type DecodedImage } from './intake.js';
import {
  encodeJ2k,
  FACES,
  meanAbsDiff,
  pngHeader,
  pseudoRandomBytes,
  readData,
  rejectsWith,
  withDeclaredSize,
} from './test-support.js';

const intake = createImageIntake(DEFAULT_IMAGE_LIMITS);
after(() => intake.close());

function assertRgb(image: DecodedImage, width: number, height: number): void {
  assert.equal(image.width, width);
  assert.equal(image.height, height);
  assert.equal(image.data.length, width * height * 3);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

describe('createImageIntake: accepted images', () => {
  it('decodes the JPEG, the JP2 and the raw J2K to 8-bit RGB at their size', async () => {
    const jpeg = await intake.decode(readData(FACES.jpeg1080));
    assertRgb(jpeg, 1920, 1080);
    assert.equal(jpeg.format, 'jpeg');
    const jp2 = await intake.decode(readData(FACES.jp2));
    assertRgb(jp2, 626, 1200);
    assert.equal(jp2.format, 'jp2');
    const j2k = await intake.decode(readData(FACES.j2k));
    assertRgb(j2k, 704, 612);
    assert.equal(j2k.format, 'j2k');
  });

  it('decodes JPEG 2000 to the same pixels as the originals of the same photos', async () => {
    const pairs = [
      [FACES.jp2, FACES.obama2Jpeg],
      [FACES.jp2720, FACES.jpeg720],
      [FACES.j2k, FACES.linPng],
    ] as const;
    for (const [jpeg2000, original] of pairs) {
      const a = await intake.decode(readData(jpeg2000));
      const b = await intake.decode(readData(original));
      assert.deepEqual([a.width, a.height], [b.width, b.height]);
      // Lossy coding on both sides leaves ~1-2 levels; a channel swap or bad scaling gives tens.
      assert.ok(meanAbsDiff(a.data, b.data) < 4, `${jpeg2000}: ${meanAbsDiff(a.data, b.data)}`);
    }
  });

  it('flattens the alpha PNG onto white and returns 3 channels', async () => {
    const image = await intake.decode(readData(FACES.alphaPng));
    assertRgb(image, 626, 1200);
    const transparent = await sharp({ create: { width: 4, height: 2, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    assert.deepEqual([...(await intake.decode(transparent)).data], new Array(4 * 2 * 3).fill(255));
  });

  it('applies EXIF orientation', async () => {
    const source = readData(FACES.jpeg240);
    const oriented = await sharp(source).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const image = await intake.decode(oriented);
    assertRgb(image, 240, 427);
    const expected = await sharp(source).rotate(90).raw().toBuffer();
    assert.ok(meanAbsDiff(image.data, expected) < 3);
  });

  it('normalises greyscale, 16-bit, CMYK and ICC-tagged images to 8-bit sRGB', async () => {
    const source = sharp(readData(FACES.jpeg240));
    const reference = await intake.decode(readData(FACES.jpeg240));
    const variants = {
      grey: await source.clone().toColourspace('b-w').png().toBuffer(),
      greyAlpha: await source.clone().toColourspace('b-w').ensureAlpha(1).png().toBuffer(),
      rgb16: await source.clone().toColourspace('rgb16').png().toBuffer(),
      cmyk: await source.clone().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer(),
      displayP3: await source.clone().withIccProfile('p3').jpeg({ quality: 95 }).toBuffer(),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      const image = await intake.decode(bytes);
      assertRgb(image, 427, 240);
      const diff = meanAbsDiff(image.data, reference.data);
      // Grey loses the colour and the CMYK round trip the gamut edges; a misread layout would be off by tens.
      assert.ok(diff < (name.startsWith('grey') ? 20 : name === 'cmyk' ? 12 : 4), `${name}: ${diff}`);
      if (name.startsWith('grey')) {
        for (let i = 0; i < image.data.length; i += 3) assert.ok(image.data[i] === image.data[i + 1] && image.data[i] === image.data[i + 2]);
      }
    }
  });

  it('expands grey and 16-bit JPEG 2000 to 3 channels', async () => {
    const width = 48;
    const height = 32;
    const grey = Uint8Array.from({ length: width * height }, (_, i) => (i % width) * 5);
    const image = await intake.decode(await encodeJ2k(grey, { width, height, bitsPerSample: 8, componentCount: 1 }));
    assertRgb(image, width, height);
    assert.deepEqual([...image.data.subarray(0, 6)], [0, 0, 0, 5, 5, 5]);
    const words = Buffer.alloc(width * height * 2);
    for (let i = 0; i < width * height; i++) words.writeUInt16LE(65535, 2 * i);
    const white = await intake.decode(await encodeJ2k(words, { width, height, bitsPerSample: 16, componentCount: 1 }));
    assert.ok(white.data.every((v) => v === 255));
  });
});

describe('createImageIntake: refused images', () => {
  it('refuses empty input', async () => {
    const error = await rejectsWith(intake.decode(Buffer.alloc(0)), 'IMAGE_EMPTY');
    assert.equal(error.httpStatus, 422);
  });

  it('refuses more than 2 MiB before looking at the bytes', async () => {
    const oversized = Buffer.concat([readData(FACES.jpeg1080), Buffer.alloc(2 * 1024 * 1024 + 1 - readData(FACES.jpeg1080).length)]);
    assert.equal(oversized.length, 2_097_153);
    const error = await rejectsWith(intake.decode(oversized), 'IMAGE_TOO_LARGE');
    assert.deepEqual([error.httpStatus, error.measured, error.limit], [413, 2_097_153, 2_097_152]);
    // Exactly at the limit is allowed through to the next checks.
    await rejectsWith(intake.decode(Buffer.alloc(2 * 1024 * 1024, 0x20)), 'UNSUPPORTED_FORMAT');
  });

  it('refuses GIF, SVG, WebP and text as UNSUPPORTED_FORMAT, whatever they claim', async () => {
    const gif = await sharp(readData(FACES.jpeg240)).gif().toBuffer();
    const webp = await sharp(readData(FACES.jpeg240)).webp().toBuffer();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="640" height="480"/></svg>');
    for (const bytes of [gif, webp, svg, Buffer.from('definitely a JPEG, trust me'), Buffer.from(readData(FACES.jpeg240).toString('base64'))]) {
      const error = await rejectsWith(intake.decode(bytes), 'UNSUPPORTED_FORMAT');
      assert.equal(error.httpStatus, 415);
    }
  });

  it('refuses truncated PNG, JPEG, JP2 and J2K as IMAGE_CORRUPT', async () => {
    for (const file of [FACES.alphaPng, FACES.jpeg1080, FACES.jp2, FACES.j2k]) {
      const bytes = readData(file);
      for (const length of [100, Math.floor(bytes.length * 0.4), Math.floor(bytes.length * 0.9)]) {
        const error = await rejectsWith(intake.decode(bytes.subarray(0, length)), 'IMAGE_CORRUPT');
        assert.equal(error.httpStatus, 422);
        assert.ok(error.message.length > 20 && error.message.length < 400, error.message);
      }
    }
  });

  it('refuses declared sizes above maxPixels from the header alone, quickly', async () => {
    const cases = [
      // A valid PNG signature and IHDR claiming 60000x60000, then junk.
      [Buffer.concat([pngHeader(60000, 60000), pseudoRandomBytes(4096, 1)]), 3_600_000_000],
      [withDeclaredSize(readData(FACES.jp2), 12000, 12000), 144_000_000],
      [withDeclaredSize(readData(FACES.j2k), 12000, 12000, { tile: true }), 144_000_000],
      // 4 KB of codestream claiming 100000x100000: decoding would be hopeless, the header says so at once.
      [withDeclaredSize(readData(FACES.j2k).subarray(0, 4096), 100000, 100000), 10_000_000_000],
    ] as const;
    for (const [bytes, pixels] of cases) {
      const [error, ms] = await timed(() => rejectsWith(intake.decode(bytes), 'IMAGE_DIMENSIONS_TOO_LARGE'));
      assert.deepEqual([error.measured, error.limit, error.httpStatus], [pixels, 24_000_000, 422]);
      assert.ok(ms < 50, `${ms} ms`);
    }
  });

  it('refuses random bytes behind each valid signature as IMAGE_CORRUPT in well under a second', async () => {
    const signatures = [
      readData(FACES.alphaPng).subarray(0, 8),
      readData(FACES.jpeg1080).subarray(0, 3),
      readData(FACES.jp2).subarray(0, 12),
      readData(FACES.j2k).subarray(0, 4),
    ];
    for (const signature of signatures) {
      for (const seed of [1, 2, 3]) {
        const bytes = Buffer.concat([signature, pseudoRandomBytes(64 * 1024, seed)]);
        const [, ms] = await timed(() => rejectsWith(intake.decode(bytes), 'IMAGE_CORRUPT'));
        assert.ok(ms < 1000, `${ms} ms`);
      }
    }
  });

  it('refuses a valid PNG or JPEG header followed by random image data', async () => {
    const png = readData(FACES.alphaPng);
    const jpeg = readData(FACES.jpeg1080);
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    const noisyPng = Buffer.concat([png.subarray(0, 33), pseudoRandomBytes(32 * 1024, 7)]);
    const noisyJpeg = Buffer.concat([jpeg.subarray(0, sos + 14), pseudoRandomBytes(32 * 1024, 7), Buffer.from([0xff, 0xd9])]);
    for (const bytes of [noisyPng, noisyJpeg]) {
      const [, ms] = await timed(() => rejectsWith(intake.decode(bytes), 'IMAGE_CORRUPT'));
      assert.ok(ms < 1000, `${ms} ms`);
    }
  });

  it('refuses JPEG 2000 layouts the decoder cannot handle as IMAGE_CORRUPT, saying why', async () => {
    const rgba = Uint8Array.from({ length: 32 * 32 * 4 }, (_, i) => (i >> 2) & 0xff);
    const fourComponents = await encodeJ2k(rgba, { width: 32, height: 32, bitsPerSample: 8, componentCount: 4 });
    const error = await rejectsWith(intake.decode(fourComponents), 'IMAGE_CORRUPT');
    assert.match(error.message, /4 components/);
  });

  it('times out a JPEG 2000 decode with IMAGE_DECODE_TIMEOUT', async () => {
    const hasty = createImageIntake({ ...DEFAULT_IMAGE_LIMITS, decodeTimeoutMs: 1 });
    try {
      const error = await rejectsWith(hasty.decode(readData(FACES.jp2)), 'IMAGE_DECODE_TIMEOUT');
      assert.deepEqual([error.limit, error.httpStatus], [1, 422]);
      assert.match(error.message, /1 ms/);
      // PNG and JPEG do not go through the JPEG 2000 pool.
      assertRgb(await hasty.decode(readData(FACES.jpeg240)), 427, 240);
    } finally {
      await hasty.close();
    }
  });

  it('keeps decoding JPEG 2000 after a timeout', async () => {
    const bounded = createImageIntake({ ...DEFAULT_IMAGE_LIMITS, decodeTimeoutMs: 300 });
    try {
      // 64 KB declaring 4000x4000 (16 MP, allowed): about a second of wasm work.
      const slow = withDeclaredSize(readData(FACES.j2k), 4000, 4000, { tile: true });
      await rejectsWith(bounded.decode(slow), 'IMAGE_DECODE_TIMEOUT');
      assertRgb(await bounded.decode(readData(FACES.jp2)), 626, 1200);
    } finally {
      await bounded.close();
    }
  });

  it('keeps the event loop responsive while a JPEG 2000 decodes', async () => {
    await intake.decode(readData(FACES.jp2240)); // worker started
    const { maxGapMs, elapsedMs } = await longestStall(async () => {
      await intake.decode(readData(FACES.jp2));
      await intake.decode(withDeclaredSize(readData(FACES.j2k), 4000, 4000, { tile: true }));
    });
    assert.ok(elapsedMs > 300, `decoding took only ${elapsedMs} ms: the test proves nothing`);
    assert.ok(maxGapMs < 50, `event loop stalled ${maxGapMs} ms during ${elapsedMs} ms of decoding`);
  });

  it('errors are ImageIntakeErrors carrying measured/limit only where they apply, and no image bytes', async () => {
    const secret = Buffer.concat([pngHeader(10, 10), Buffer.from('SECRET-PAYLOAD-1234')]);
    const corrupt = await rejectsWith(intake.decode(secret), 'IMAGE_CORRUPT');
    assert.ok(corrupt instanceof ImageIntakeError && corrupt instanceof Error);
    assert.doesNotMatch(corrupt.message, /SECRET/);
    assert.equal('measured' in corrupt || 'limit' in corrupt, false);
    const tooBig = await rejectsWith(intake.decode(pngHeader(10000, 10000)), 'IMAGE_DIMENSIONS_TOO_LARGE');
    assert.deepEqual({ ...tooBig }, { name: 'ImageIntakeError', code: 'IMAGE_DIMENSIONS_TOO_LARGE', httpStatus: 422, measured: 1e8, limit: 24e6 });
    assert.equal(tooBig.message, 'The PNG declares 10000x10000 = 100000000 pixels; at most 24000000 are accepted.');
  });

  it('validates its limits', () => {
    assert.throws(() => createImageIntake({ ...DEFAULT_IMAGE_LIMITS, maxPixels: 0 }), RangeError);
    assert.throws(() => createImageIntake({ ...DEFAULT_IMAGE_LIMITS, maxBytes: Number.NaN }), RangeError);
    assert.throws(() => createImageIntake({ ...DEFAULT_IMAGE_LIMITS, decodeTimeoutMs: -1 }), RangeError);
  });
});
