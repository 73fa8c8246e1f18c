import { u16, u32, u8 } from './bytes.js';
import { corrupt } from './errors.js';
import type { ImageFormat } from './format.js';
import { readJpeg2000Header } from './jp2/codestream.js';

export interface ImageDimensions {
  width: number;
  height: number;
}

/**
 * The size the image declares, read from its header without decoding, so that
 * oversized images are refused before any decoder allocates for them. The
 * format must come from `detectFormat`. Throws IMAGE_CORRUPT for a truncated
 * or inconsistent header.
 */
export function readDimensions(buf: Uint8Array, format: ImageFormat): ImageDimensions {
  switch (format) {
    case 'png':
      return pngDimensions(buf);
    case 'jpeg':
      return jpegDimensions(buf);
    case 'jp2':
    case 'j2k': {
      const { width, height } = readJpeg2000Header(buf);
      return { width, height };
    }
  }
}

const PNG_IHDR_OFFSET = 8;

function pngDimensions(buf: Uint8Array): ImageDimensions {
  const what = 'PNG header (IHDR)';
  const length = u32(buf, PNG_IHDR_OFFSET, what);
  const type = u32(buf, PNG_IHDR_OFFSET + 4, what);
  if (length !== 13 || type !== 0x49484452 /* "IHDR" */) throw corrupt('The PNG does not start with an IHDR chunk.');
  const crc = u32(buf, PNG_IHDR_OFFSET + 8 + 13, what);
  // The CRC covers the chunk type and data.
  if (crc32(buf.subarray(PNG_IHDR_OFFSET + 4, PNG_IHDR_OFFSET + 8 + 13)) !== crc) {
    throw corrupt('The PNG header (IHDR) fails its CRC check.');
  }
  const width = u32(buf, PNG_IHDR_OFFSET + 8, what);
  const height = u32(buf, PNG_IHDR_OFFSET + 12, what);
  if (width === 0 || height === 0) throw corrupt('The PNG header declares a zero dimension.');
  return { width, height };
}

// SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function jpegDimensions(buf: Uint8Array): ImageDimensions {
  const what = 'JPEG header';
  let offset = 2; // after SOI
  for (;;) {
    if (u8(buf, offset, what) !== 0xff) throw corrupt(`The JPEG has no marker where one is expected (byte ${offset}).`);
    while (u8(buf, offset, what) === 0xff) offset++; // fill bytes may precede a marker
    const marker = u8(buf, offset, what);
    offset++;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue; // markers without a segment
    if (marker === 0x00 || marker === 0xd9 || marker === 0xda) {
      throw corrupt('The JPEG has no frame header (SOF) before its image data.');
    }
    const length = u16(buf, offset, what);
    if (length < 2) throw corrupt(`The JPEG has a segment of impossible length at byte ${offset}.`);
    if (isStartOfFrame(marker)) {
      const height = u16(buf, offset + 3, what);
      const width = u16(buf, offset + 5, what);
      const components = u8(buf, offset + 7, what);
      if (components === 0 || length !== 8 + 3 * components) throw corrupt('The JPEG frame header (SOF) is inconsistent.');
      // Height 0 defers the size to a DNL marker, which libjpeg does not support.
      if (width === 0 || height === 0) throw corrupt('The JPEG frame header declares a zero dimension.');
      return { width, height };
    }
    offset += length;
  }
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as PNG defines it (zlib.crc32 only exists from Node 20.15). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
