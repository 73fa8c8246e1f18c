/** Exposure and sharpness of the face region, from a small downscaled crop. */
export interface FrameStats {
  /** Mean BT.601 luma, 0–255. */
  meanLuma: number;
  /** Share of pixels at or above SATURATED_LUMA. */
  saturatedFraction: number;
  /**
   * Variance of the 4-neighbour Laplacian over the variance of luma: edge
   * energy per unit of contrast, so a dim or low-contrast face is not taken
   * for a blurred one. Low means blurred.
   */
  sharpness: number;
}

export const SATURATED_LUMA = 250;

/** `rgba` is canvas ImageData layout; the crop should be drawn at a fixed size so sharpness compares across faces. */
export function frameStats(rgba: ArrayLike<number>, width: number, height: number): FrameStats {
  const n = width * height;
  const luma = new Float32Array(n);
  let sum = 0;
  let saturated = 0;
  for (let i = 0; i < n; i++) {
    const y = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
    luma[i] = y;
    sum += y;
    if (y >= SATURATED_LUMA) saturated++;
  }
  let lapSum = 0;
  let lapSq = 0;
  let count = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const lap = luma[i - 1]! + luma[i + 1]! + luma[i - width]! + luma[i + width]! - 4 * luma[i]!;
      lapSum += lap;
      lapSq += lap * lap;
      count++;
    }
  }
  const mean = n > 0 ? sum / n : 0;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (luma[i]! - mean) ** 2;
  variance = n > 0 ? variance / n : 0;
  const lapMean = count > 0 ? lapSum / count : 0;
  const lapVariance = count > 0 ? lapSq / count - lapMean * lapMean : 0;
  return {
    meanLuma: mean,
    saturatedFraction: n > 0 ? saturated / n : 0,
    // A flat patch has no detail to judge; 1 keeps it from dividing by zero.
    sharpness: lapVariance / Math.max(variance, 1),
  };
}
