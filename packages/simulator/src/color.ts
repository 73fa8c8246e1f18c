/** sRGB transfer functions (IEC 61966-2-1): the model works in linear light. */
export type Rgb = [number, number, number];

/** 8-bit sRGB code value → linear 0–1. */
export function srgbToLinear(v: number): number {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Linear 0–1 → sRGB 0–255 (not rounded). */
export function linearToSrgb(v: number): number {
  const c = v <= 0 ? 0 : v >= 1 ? 1 : v;
  return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
}

/** Decode table: 8-bit code → linear. */
export const DECODE: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = srgbToLinear(i);
  return t;
})();

/** Resolution of the encode table over linear 0–1. */
export const ENCODE_STEPS = 16384;

/** Encode table: round(linearToSrgb(i / (ENCODE_STEPS - 1))), one entry past the end for v = 1. */
export const ENCODE: Uint8Array = (() => {
  const t = new Uint8Array(ENCODE_STEPS + 1);
  for (let i = 0; i <= ENCODE_STEPS; i++) t[i] = Math.round(linearToSrgb(i / (ENCODE_STEPS - 1)));
  return t;
})();

export const linearRgb = (rgb: Readonly<Rgb>): Rgb => [srgbToLinear(rgb[0]), srgbToLinear(rgb[1]), srgbToLinear(rgb[2])];

/** Rec. 709 luminance of a linear colour. */
export const luminance = (r: number, g: number, b: number) => 0.2126 * r + 0.7152 * g + 0.0722 * b;
