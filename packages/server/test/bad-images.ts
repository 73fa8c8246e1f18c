import { readFileSync } from 'node:fs';
import { pngHeader, pseudoRandomBytes, withDeclaredSize } from '../src/image/test-support.js';
import { face } from './data.js';

/** A PNG whose valid IHDR claims `w`x`h`, followed by junk instead of image data. */
export const pngClaiming = (w: number, h: number) => Buffer.concat([pngHeader(w, h), pseudoRandomBytes(4096, 7)]);

/** obama2.jp2 with its ihdr box and codestream SIZ both claiming `w`x`h`. */
export const jp2Claiming = (w: number, h: number) => withDeclaredSize(readFileSync(face('obama2.jp2')), w, h);

const MAGIC = {
  png: pngHeader(1, 1).subarray(0, 8),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  jp2: Buffer.from([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]),
  j2k: Buffer.from([0xff, 0x4f, 0xff, 0x51]),
};

/** Seeded random bytes behind each format's magic. */
export const randomBehindMagic = () =>
  Object.entries(MAGIC).map(([format, magic], i) => ({ name: `random bytes behind ${format} magic`, bytes: Buffer.concat([magic, pseudoRandomBytes(20_000, 1000 + i)]) }));

export const truncated = (file: string, fraction: number) => {
  const bytes = readFileSync(face(file));
  return bytes.subarray(0, Math.floor(bytes.length * fraction));
};

export const GIF = Buffer.concat([Buffer.from('GIF89a', 'ascii'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21, 0xf9, 4, 0, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b])]);
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
export const TEXT = Buffer.from('hello, this is not an image\n');
