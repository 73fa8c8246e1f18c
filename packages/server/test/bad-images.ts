import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { face } from './data.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG with a valid signature and IHDR (CRC correct) claiming `w`x`h`, then a little real IDAT. */
export function pngClaiming(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(4096))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** obama2.jp2 with its ihdr box and codestream SIZ marker both patched to claim `w`x`h`. */
export function jp2Claiming(w: number, h: number): Buffer {
  const jp2 = Buffer.from(readFileSync(face('obama2.jp2')));
  const ihdr = jp2.indexOf('ihdr', 0, 'ascii');
  jp2.writeUInt32BE(h, ihdr + 4);
  jp2.writeUInt32BE(w, ihdr + 8);
  const siz = jp2.indexOf(Buffer.from([0xff, 0x51]));
  // SIZ: marker, Lsiz, Rsiz, Xsiz, Ysiz, XOsiz, YOsiz ...
  jp2.writeUInt32BE(w, siz + 6);
  jp2.writeUInt32BE(h, siz + 10);
  return jp2;
}

const MAGIC = {
  png: PNG_SIGNATURE,
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  jp2: Buffer.from([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]),
  j2k: Buffer.from([0xff, 0x4f, 0xff, 0x51]),
};

/** Random bytes behind each format's magic. */
export const randomBehindMagic = (seedLength = 20_000) =>
  Object.entries(MAGIC).map(([format, magic]) => ({ name: `random bytes behind ${format} magic`, bytes: Buffer.concat([magic, randomBytes(seedLength)]) }));

export const truncated = (file: string, fraction: number) => {
  const bytes = readFileSync(face(file));
  return bytes.subarray(0, Math.floor(bytes.length * fraction));
};

export const GIF = Buffer.concat([Buffer.from('GIF89a', 'ascii'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x21, 0xf9, 4, 0, 0, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3b])]);
export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
export const TEXT = Buffer.from('hello, this is not an image\n');
