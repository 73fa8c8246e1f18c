import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { forEachCase, mutateBytes, type Rng } from '../../protocol/src/fuzz-support.js';
import { ImageIntakeError, type ImageErrorCode } from '../src/image/errors.js';
import { detectFormat, type ImageFormat } from '../src/image/format.js';
import { crc32 } from '../src/image/header.js';
import { createImageIntake, DEFAULT_IMAGE_LIMITS, type DecodedImage } from '../src/image/intake.js';
import { encodeJ2k, withDeclaredSize } from '../src/image/test-support.js';

/*
 * Mutated PNG, JPEG and JPEG 2000 uploads through the real intake (JPEG 2000
 * in its worker pool): every outcome is a decoded image or an
 * ImageIntakeError with its code, never any other exception and never a
 * hang; afterwards the intake still decodes valid images.
 *
 * Cases: 4000 PNG + 4000 JPEG + 4000 JPEG 2000 = 12 000. The seed images
 * are 32x32 and made here, so a case costs about a millisecond (PNG, JPEG)
 * or two (JPEG 2000, a worker round trip). Measured on the 2-core machine:
 * 13 s for the whole file idle, ~17 s with a benchmark loading both cores.
 */

const SEED = 0x1a6e_f022;
const SIZE = 32;
const LIMITS = {
  ...DEFAULT_IMAGE_LIMITS,
  // A mutated header may declare megapixels the codestream cannot fill: each such decode then costs this long.
  decodeTimeoutMs: 1500,
};
const CODES: readonly ImageErrorCode[] = ['IMAGE_TOO_LARGE', 'UNSUPPORTED_FORMAT', 'IMAGE_CORRUPT', 'IMAGE_DIMENSIONS_TOO_LARGE', 'IMAGE_DECODE_TIMEOUT', 'IMAGE_EMPTY'];
const HTTP_STATUS: Readonly<Record<ImageErrorCode, number>> = {
  IMAGE_TOO_LARGE: 413,
  UNSUPPORTED_FORMAT: 415,
  IMAGE_CORRUPT: 422,
  IMAGE_DIMENSIONS_TOO_LARGE: 422,
  IMAGE_DECODE_TIMEOUT: 422,
  IMAGE_EMPTY: 422,
};
/** Sizes a mutated header may declare: zero, off by one, at and past the pixel limit, past 16 and 32 bits. */
const DECLARED = [0, 1, SIZE - 1, SIZE + 1, 4096, 4899, 65535, 2 ** 31, 2 ** 32 - 1] as const;

type Seeds = Record<string, Buffer>;

const intake = createImageIntake(LIMITS);
after(() => intake.close());

let png: Seeds;
let jpeg: Seeds;
let jpeg2000: Seeds;

before(async () => {
  const rgb = Buffer.alloc(SIZE * SIZE * 3);
  // A gradient with detail, so every codec has real coefficients, runs and filters to damage.
  for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 7 + ((i / 96) | 0) * 13) & 0xff;
  const grey = Buffer.from(rgb.filter((_, i) => i % 3 === 0));
  const image = () => sharp(rgb, { raw: { width: SIZE, height: SIZE, channels: 3 } });
  png = {
    rgb: await image().png().toBuffer(),
    grey: await image().toColourspace('b-w').png().toBuffer(),
    rgba: await image().ensureAlpha(0.5).png().toBuffer(),
    palette: await image().png({ palette: true }).toBuffer(),
    rgb16: await image().toColourspace('rgb16').png().toBuffer(),
    interlaced: await image().png({ progressive: true }).toBuffer(),
  };
  jpeg = {
    baseline: await image().jpeg({ quality: 80 }).toBuffer(),
    progressive: await image().jpeg({ progressive: true }).toBuffer(),
    grey: await image().toColourspace('b-w').jpeg().toBuffer(),
    chroma444: await image().jpeg({ chromaSubsampling: '4:4:4' }).toBuffer(),
    rotated: await image().withMetadata({ orientation: 6 }).jpeg().toBuffer(),
  };
  const frame = { width: SIZE, height: SIZE, bitsPerSample: 8 };
  const words = Buffer.alloc(SIZE * SIZE * 2);
  for (let i = 0; i < SIZE * SIZE; i++) words.writeUInt16LE((grey[i]! << 4) | 0xf, 2 * i);
  const j2kRgb = await encodeJ2k(rgb, { ...frame, componentCount: 3 });
  jpeg2000 = {
    j2kRgb,
    j2kGrey: await encodeJ2k(grey, { ...frame, componentCount: 1 }),
    j2kGrey12: await encodeJ2k(words, { ...frame, bitsPerSample: 12, componentCount: 1 }),
    j2kLossy: await encodeJ2k(rgb, { ...frame, componentCount: 3 }, 10),
    jp2Rgb: jp2Boxed(j2kRgb, 3),
  };
  // Every seed must be valid, or the mutants would test nothing.
  for (const [name, bytes] of Object.entries({ ...png, ...jpeg, ...jpeg2000 })) {
    const decoded = await intake.decode(bytes);
    assert.equal(decoded.width * decoded.height, SIZE * SIZE, name);
  }
});

/** A JP2 file around a codestream: signature, file type, header (ihdr, colr) and codestream boxes. */
function jp2Boxed(codestream: Buffer, components: 1 | 3): Buffer {
  const box = (type: string, ...content: Buffer[]) => {
    const body = Buffer.concat(content);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(8 + body.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const ihdr = Buffer.alloc(14);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr.writeUInt16BE(components, 8);
  ihdr.set([7, 7, 0, 0], 10); // 8 bits, JPEG 2000 compression, colourspace known, no IPR
  const colr = Buffer.from([1, 0, 0, 0, 0, 0, components === 1 ? 17 : 16]); // enumerated: sRGB or greyscale
  return Buffer.concat([
    Buffer.from([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]),
    box('ftyp', Buffer.from('jp2 \0\0\0\0jp2 ', 'latin1')),
    box('jp2h', box('ihdr', ihdr), box('colr', colr)),
    box('jp2c', codestream),
  ]);
}

/**
 * Recomputes the CRC of every whole chunk, so that a mutation inside a chunk
 * reaches zlib and the PNG filters instead of stopping at the CRC check.
 */
function fixPngCrcs(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  for (let offset = 8; offset + 12 <= out.length; ) {
    const end = offset + 12 + out.readUInt32BE(offset);
    if (end > out.length) break;
    out.writeUInt32BE(crc32(out.subarray(offset + 4, end - 4)), end - 4);
    offset = end;
  }
  return out;
}

/** The seed with a boundary size written where its format declares one (the size checks see exactly this). */
function declareSize(format: 'png' | 'jpeg' | 'jpeg2000', seed: Buffer, rng: Rng): Buffer {
  const width = rng.pick(DECLARED);
  const height = rng.pick(DECLARED);
  if (format === 'jpeg2000') return withDeclaredSize(seed, width, height, { tile: rng.chance(0.5) });
  const out = Buffer.from(seed);
  if (format === 'png') {
    out.writeUInt32BE(width >>> 0, 16);
    out.writeUInt32BE(height >>> 0, 20);
    return fixPngCrcs(out);
  }
  // Baseline or progressive frame header: FF Cn, length, precision, then height and width.
  const sof = out.findIndex((b, i) => b === 0xff && (out[i + 1] === 0xc0 || out[i + 1] === 0xc2));
  out.writeUInt16BE(height & 0xffff, sof + 5);
  out.writeUInt16BE(width & 0xffff, sof + 7);
  return out;
}

/** Fails the case unless `decode` gave a sound image or a coded refusal; returns which. */
async function outcome(bytes: Buffer): Promise<ImageErrorCode | 'decoded'> {
  let image: DecodedImage;
  try {
    image = await intake.decode(bytes);
  } catch (error) {
    if (!(error instanceof ImageIntakeError)) {
      throw new Error(`the intake threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`, { cause: error });
    }
    assert.ok(CODES.includes(error.code), `unknown code ${error.code}`);
    assert.equal(error.httpStatus, HTTP_STATUS[error.code]);
    return error.code;
  }
  assert.equal(image.format, detectFormat(bytes) as ImageFormat);
  assert.ok(image.width > 0 && image.height > 0 && image.width * image.height <= LIMITS.maxPixels, `${image.width}x${image.height}`);
  assert.equal(image.data.length, image.width * image.height * 3);
  return 'decoded';
}

const runs = [
  { format: 'png', cases: 4000, seeds: () => png },
  { format: 'jpeg', cases: 4000, seeds: () => jpeg },
  { format: 'jpeg2000', cases: 4000, seeds: () => jpeg2000 },
] as const;

runs.forEach(({ format, cases, seeds }, k) => {
  const seed = SEED + k;
  test(`${cases} mutated ${format} images: a decoded image or a coded refusal (seed ${seed})`, { timeout: 600_000 }, async (t) => {
    const all = seeds();
    const names = Object.keys(all);
    const donors = Object.values(all);
    const tally: Record<string, number> = {};
    const started = performance.now();
    await forEachCase(seed, cases, async (rng) => {
      const name = rng.pick(names);
      const original = all[name]!;
      let bytes: Buffer;
      let steps: string[];
      if (rng.chance(format === 'jpeg2000' ? 0.01 : 0.05)) {
        bytes = declareSize(format, original, rng);
        steps = ['declareSize'];
      } else {
        const mutated = mutateBytes(original, rng, donors);
        bytes = Buffer.from(mutated.bytes.buffer, mutated.bytes.byteOffset, mutated.bytes.byteLength);
        steps = mutated.steps;
        if (format === 'png' && rng.chance(0.5)) {
          bytes = fixPngCrcs(bytes);
          steps.push('fixPngCrcs');
        }
      }
      try {
        const result = await outcome(bytes);
        tally[result] = (tally[result] ?? 0) + 1;
      } catch (error) {
        throw new Error(`${name} after ${steps.join(', ')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    });
    t.diagnostic(`${format}: ${JSON.stringify(tally)} in ${Math.round(performance.now() - started)} ms`);
    // Some mutants must still decode (damage the codec tolerates) and some must be refused, or the mutations miss.
    assert.ok((tally.decoded ?? 0) > 0 && (tally.IMAGE_CORRUPT ?? 0) > 0, JSON.stringify(tally));
  });
});

test('after the fuzzing, the intake and its JPEG 2000 workers still decode every valid seed', async () => {
  for (const [name, bytes] of Object.entries({ ...png, ...jpeg, ...jpeg2000 })) {
    const decoded = await intake.decode(bytes);
    assert.deepEqual([decoded.width, decoded.height, decoded.data.length], [SIZE, SIZE, SIZE * SIZE * 3], name);
  }
});
