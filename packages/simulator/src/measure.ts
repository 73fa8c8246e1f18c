/** Measurements on rendered frames, in linear light: what a verifier would average over a region. */
import { DECODE, type Rgb } from './color.js';

export function meanLinear(
  frame: ArrayLike<number>,
  width: number,
  height: number,
  channels: 3 | 4,
  inside: (x: number, y: number) => boolean,
): Rgb {
  const sum: Rgb = [0, 0, 0];
  let n = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside(x, y)) continue;
      const o = (y * width + x) * channels;
      sum[0] += DECODE[frame[o]! | 0]!;
      sum[1] += DECODE[frame[o + 1]! | 0]!;
      sum[2] += DECODE[frame[o + 2]! | 0]!;
      n++;
    }
  }
  return n === 0 ? [Number.NaN, Number.NaN, Number.NaN] : [sum[0] / n, sum[1] / n, sum[2] / n];
}

/** Linear 0–1 to the 0–255 "levels" the DESIGN measures responses in. */
export const levels = (rgb: Rgb): Rgb => [rgb[0] * 255, rgb[1] * 255, rgb[2] * 255];
