export type ImageFormat = 'png' | 'jpeg' | 'jp2' | 'j2k';

const SIGNATURES: ReadonlyArray<readonly [ImageFormat, readonly number[]]> = [
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  // JP2 signature box: length 12, type "jP  ", content 0D 0A 87 0A.
  ['jp2', [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a]],
  // Raw codestream: SOC marker immediately followed by SIZ, as the standard requires.
  ['j2k', [0xff, 0x4f, 0xff, 0x51]],
];

/**
 * The format the bytes really are, judged by their signature alone: the
 * declared type and the file name are never trusted (sharp alone would also
 * decode SVG, GIF, TIFF, ... whatever they are called).
 */
export function detectFormat(buf: Uint8Array): ImageFormat | null {
  for (const [format, signature] of SIGNATURES) {
    if (buf.length >= signature.length && signature.every((byte, i) => buf[i] === byte)) return format;
  }
  return null;
}
