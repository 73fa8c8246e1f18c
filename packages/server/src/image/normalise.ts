import sharp, { type Sharp } from 'sharp';

import type { RawImage } from './jp2/decode.js';

/** 8-bit sRGB, 3 channels interleaved (RGB), rows top to bottom. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * Decodes a PNG or JPEG whose format and size were already checked. Strict on
 * purpose: `failOn: 'warning'` refuses damaged data that laxer levels decode
 * anyway (a faked JPEG header decoded at 828 MB with 'error'), and the pixel
 * limit backs up the header check inside libvips itself.
 */
export function decodeEncoded(buf: Buffer, maxPixels: number): Promise<RgbImage> {
  // sequentialRead is sharp's current default, pinned: one pass over the input, no full
  // random-access copy; autoOrient() switches to random access itself when it must rotate.
  return toRgb(sharp(buf, { failOn: 'warning', limitInputPixels: maxPixels, sequentialRead: true }).autoOrient());
}

/**
 * Decodes a stream frame, a JPEG (which has no alpha), without
 * `decodeEncoded`'s extra pipeline stages: that saves ~0.25 of ~2 ms in each
 * of the ~150 decodes of a Dynamic session. libvips still brings grey and CMYK
 * to sRGB. The orientation tag is ignored: a canvas writes none, and the
 * frame header's size is checked against the stored one.
 */
export async function decodeCameraFrame(buf: Buffer, maxPixels: number): Promise<RgbImage> {
  const { data, info } = await sharp(buf, { failOn: 'warning', limitInputPixels: maxPixels, sequentialRead: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`the frame decoded to ${info.channels} channels instead of 3`);
  return { data, width: info.width, height: info.height };
}

/** Brings decoder output (grey or RGB samples) to the same form as `decodeEncoded`. */
export function normaliseRaw(image: RawImage): Promise<RgbImage> {
  const { data, width, height, channels } = image;
  return toRgb(sharp(data, { raw: { width, height, channels } }));
}

async function toRgb(image: Sharp): Promise<RgbImage> {
  // flatten() drops alpha onto white; toColourspace('srgb') applies any ICC
  // profile, converts CMYK, expands grey to 3 channels and brings 16 bits to 8.
  const { data, info } = await image
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`image normalisation produced ${info.channels} channels instead of 3`);
  return { data, width: info.width, height: info.height };
}
