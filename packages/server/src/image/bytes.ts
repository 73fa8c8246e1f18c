import { corrupt } from './errors.js';

/*
 * Bounds-checked big-endian reads for header parsers: running off the end of
 * the buffer means the file is truncated, which must surface as
 * IMAGE_CORRUPT rather than as `undefined` turning into NaN dimensions.
 */

function need(buf: Uint8Array, offset: number, size: number, what: string): void {
  if (offset + size > buf.length) {
    throw corrupt(`The ${what} is truncated: it needs byte ${offset + size - 1} but the file has ${buf.length} bytes.`);
  }
}

export function u8(buf: Uint8Array, offset: number, what: string): number {
  need(buf, offset, 1, what);
  return buf[offset] as number;
}

export function u16(buf: Uint8Array, offset: number, what: string): number {
  need(buf, offset, 2, what);
  return ((buf[offset] as number) << 8) | (buf[offset + 1] as number);
}

export function u32(buf: Uint8Array, offset: number, what: string): number {
  need(buf, offset, 4, what);
  return (
    (buf[offset] as number) * 0x1000000 +
    (((buf[offset + 1] as number) << 16) | ((buf[offset + 2] as number) << 8) | (buf[offset + 3] as number))
  );
}

export function ascii(buf: Uint8Array, offset: number, length: number, what: string): string {
  need(buf, offset, length, what);
  return String.fromCharCode(...buf.subarray(offset, offset + length));
}
