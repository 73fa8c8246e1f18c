/** A colour or a response as three channel values, in R, G, B order. */
export type Rgb = [number, number, number];

/** IEC 61966-2-1 decoding of one 8-bit sRGB value to linear light in [0, 1]. */
export function srgbToLinear(v8: number): number {
  const v = v8 / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** Linear light in [0, 1] back to an 8-bit sRGB value (clamped, rounded). */
export function linearToSrgb(v: number): number {
  const c = Math.min(1, Math.max(0, v));
  return Math.round(255 * (c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055));
}

/** Decoding table: per-pixel means are taken in linear light, where reflected light adds up. */
export const SRGB_TO_LINEAR_255: Float64Array = Float64Array.from({ length: 256 }, (_, i) => 255 * srgbToLinear(i));

export const linearRgb = (rgb: readonly number[]): Rgb => [srgbToLinear(rgb[0]!), srgbToLinear(rgb[1]!), srgbToLinear(rgb[2]!)];

/** WCAG 2.x relative luminance of an 8-bit sRGB colour, in [0, 1]. */
export function relativeLuminance(rgb: readonly number[]): number {
  const [r, g, b] = linearRgb(rgb);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
