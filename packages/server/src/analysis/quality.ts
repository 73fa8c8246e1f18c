import { toGrey, type RgbImage } from './raster.js';

/**
 * Pixel measures of a face, taken on an aligned crop (eyes level, fixed eye
 * distance) so every value is independent of the photo's resolution and roll.
 * The inner region spans brows to chin and cheek to cheek.
 */
export interface PixelQuality {
  overexposedShare: number;
  underexposedShare: number;
  /** 1st-to-99th percentile spread of face luma, in grey levels. */
  dynamicRange: number;
  /** Darker side's mean luma over the brighter side's (1 = even). */
  illuminationRatio: number;
  /** Variance of the Laplacian of face luma at the normalised scale. */
  sharpness: number;
}

export const SATURATED_LUMA = 247;
export const NEAR_BLACK_LUMA = 8;

/** Inner face region of a crop aligned to the ArcFace reference, as fractions of the side. */
const REGION = { x0: 0.22, x1: 0.78, y0: 0.3, y1: 0.95 } as const;

export function measurePixelQuality(crop: RgbImage): PixelQuality {
  const grey = toGrey(crop);
  const { width: w, height: h } = crop;
  const x0 = Math.round(REGION.x0 * w), x1 = Math.round(REGION.x1 * w);
  const y0 = Math.round(REGION.y0 * h), y1 = Math.round(REGION.y1 * h);
  const mid = Math.round((x0 + x1) / 2);
  const hist = new Uint32Array(256);
  let over = 0, under = 0, n = 0, leftSum = 0, leftN = 0, rightSum = 0, rightN = 0;
  let lapSum = 0, lapSq = 0, lapN = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const v = grey[y * w + x]!;
      hist[Math.round(v)]!++;
      n++;
      if (v >= SATURATED_LUMA) over++;
      if (v <= NEAR_BLACK_LUMA) under++;
      if (x < mid) { leftSum += v; leftN++; } else { rightSum += v; rightN++; }
      if (x > 0 && y > 0 && x < w - 1 && y < h - 1) {
        const lap = grey[(y - 1) * w + x]! + grey[(y + 1) * w + x]! + grey[y * w + x - 1]! + grey[y * w + x + 1]! - 4 * v;
        lapSum += lap; lapSq += lap * lap; lapN++;
      }
    }
  }
  const left = leftSum / leftN, right = rightSum / rightN;
  const lapMean = lapSum / lapN;
  return {
    overexposedShare: over / n,
    underexposedShare: under / n,
    dynamicRange: percentile(hist, n, 0.99) - percentile(hist, n, 0.01),
    illuminationRatio: Math.max(left, right) > 0 ? Math.min(left, right) / Math.max(left, right) : 0,
    sharpness: lapSq / lapN - lapMean * lapMean,
  };
}

function percentile(hist: Uint32Array, total: number, q: number): number {
  const target = q * total;
  let acc = 0;
  for (let v = 0; v < hist.length; v++) {
    acc += hist[v]!;
    if (acc >= target) return v;
  }
  return hist.length - 1;
}
