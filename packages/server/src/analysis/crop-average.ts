import type { RgbImage } from './raster.js';

/**
 * The pixel-wise mean of same-sized crops, kept as a running sum so no crop
 * is held once added. Each crop is placed by its own frame's face box, so
 * the face stays put while the sensor noise, independent from frame to
 * frame, shrinks with the square root of the count — what a camera's
 * temporal noise reduction does, and what the anti-spoof model was trained
 * on (see stream/passive-liveness.ts).
 */
export class CropAverage {
  private sum: Uint32Array | undefined;
  private size: { width: number; height: number } | undefined;
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(crop: RgbImage): void {
    if (!this.sum || !this.size) {
      this.sum = new Uint32Array(crop.data.length);
      this.size = { width: crop.width, height: crop.height };
    } else if (crop.width !== this.size.width || crop.height !== this.size.height) {
      throw new Error(`crops must all be ${this.size.width}x${this.size.height}, not ${crop.width}x${crop.height}`);
    }
    const { sum } = this;
    for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + crop.data[i]!;
    this.n++;
  }

  /** The mean so far, rounded to 8 bits; undefined before the first crop. */
  mean(): RgbImage | undefined {
    if (!this.sum || !this.size) return undefined;
    const out = new Uint8Array(this.sum.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.round(this.sum[i]! / this.n);
    return { data: out, ...this.size };
  }
}
