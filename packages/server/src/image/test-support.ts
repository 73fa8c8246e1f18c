/*
 * Helpers shared by this folder's tests. The photos are read in place from the
 * shared data set and never copied into the repository.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { DATA_DIR } from '../../test/data.js';
import { ImageIntakeError, type ImageErrorCode } from './errors.js';
import { crc32 } from './header.js';

export const DATA_ROOT = DATA_DIR;

export function readData(relativePath: string): Buffer {
  return readFileSync(join(DATA_ROOT, relativePath));
}

export const FACES = {
  jpeg1080: 'faces/face_recognition/obama-1080p.jpg',
  jpeg240: 'faces/face_recognition/obama-240p.jpg',
  jpeg720: 'faces/face_recognition/obama-720p.jpg',
  obama2Jpeg: 'faces/face_recognition/obama2.jpg',
  alphaPng: 'faces/face_recognition/32bit.png',
  linPng: 'faces/face_recognition/lin-manuel-miranda.png',
  jp2: 'faces/jp2/obama2.jp2',
  jp2720: 'faces/jp2/obama-720p.jp2',
  jp2240: 'faces/jp2/obama-240p.jp2',
  j2k: 'faces/jp2/lin-manuel-miranda.j2k',
} as const;

/** Asserts that `promise` rejects with an ImageIntakeError of `code` and returns it for further checks. */
export async function rejectsWith(promise: Promise<unknown>, code: ImageErrorCode): Promise<ImageIntakeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImageIntakeError && error.code === code) return error;
    throw new Error(`expected ${code}, got ${error instanceof ImageIntakeError ? error.code : String(error)}`, { cause: error });
  }
  throw new Error(`expected ${code}, but it resolved`);
}

/** Deterministic bytes (xorshift32), so a failure can be replayed. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Offset of the codestream's SIZ marker segment parameters (Lsiz) in a JP2 file or raw codestream. */
export function sizOffset(file: Buffer): number {
  const soc = file.indexOf(Buffer.from([0xff, 0x4f, 0xff, 0x51]));
  if (soc < 0) throw new Error('no SOC+SIZ in file');
  return soc + 4;
}

/** Rewrites the declared image size (and optionally the tile size) of a JPEG 2000 file, in SIZ and, for JP2, in ihdr. */
export function withDeclaredSize(file: Buffer, width: number, height: number, options: { tile?: boolean } = {}): Buffer {
  const out = Buffer.from(file);
  const lsiz = sizOffset(out);
  out.writeUInt32BE(width, lsiz + 4); // Xsiz (image offsets are 0 in the test files)
  out.writeUInt32BE(height, lsiz + 8); // Ysiz
  if (options.tile) {
    out.writeUInt32BE(width, lsiz + 20); // XTsiz
    out.writeUInt32BE(height, lsiz + 24); // YTsiz
  }
  const ihdr = out.indexOf('ihdr', 0, 'latin1');
  if (ihdr >= 0 && ihdr < lsiz) {
    out.writeUInt32BE(height, ihdr + 4);
    out.writeUInt32BE(width, ihdr + 8);
  }
  return out;
}

interface EncodeFrame {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

interface J2KEncoder {
  getDecodedBuffer(frame: EncodeFrame & { isSigned: boolean }): Uint8Array;
  setQuality(lossless: boolean, layers: number): void;
  setCompressionRatio(layer: number, ratio: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

type EncoderFactory = (module: { wasmBinary: Uint8Array; print: () => void; printErr: () => void }) => Promise<{
  J2KEncoder: new () => J2KEncoder;
}>;

/**
 * Encodes a raw codestream with the codec package's full build, to make test
 * images the shared data set lacks (grey, 12/16-bit, 4 components). Samples
 * above 8 bits are little-endian 16-bit words. `ratio` makes it lossy.
 */
export async function encodeJ2k(samples: Uint8Array, frame: EncodeFrame, ratio?: number): Promise<Buffer> {
  const require = createRequire(import.meta.url);
  const factory = require('@cornerstonejs/codec-openjpeg/wasmjs') as EncoderFactory;
  const wasmBinary = readFileSync(require.resolve('@cornerstonejs/codec-openjpeg/wasm'));
  const codec = await factory({ wasmBinary, print: () => {}, printErr: () => {} });
  const encoder = new codec.J2KEncoder();
  try {
    encoder.getDecodedBuffer({ ...frame, isSigned: false }).set(samples);
    if (ratio !== undefined) {
      encoder.setQuality(false, 1);
      encoder.setCompressionRatio(0, ratio);
    }
    encoder.encode();
    return Buffer.from(encoder.getEncodedBuffer());
  } finally {
    encoder.delete();
  }
}

/** Mean absolute difference per sample of two equally sized 8-bit buffers. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

/** A PNG signature and IHDR chunk (with a correct CRC) declaring width x height. */
export function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 2, 0, 0, 0], 16); // 8-bit RGB
  ihdr.writeUInt32BE(crc32(ihdr.subarray(4, 21)), 21);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}
