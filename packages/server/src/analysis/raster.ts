/** An 8-bit interleaved RGB image in memory. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** 2x3 affine matrix mapping output pixel (x, y) to source (a*x + b*y + c, d*x + e*y + f). */
export type Affine = readonly [number, number, number, number, number, number];

/**
 * Samples `src` through an affine map into an `outW`x`outH` RGB image.
 * When the map shrinks the source, several bilinear taps are averaged per
 * output pixel so large photos do not alias before a 112 px or 320 px model.
 */
export function warpAffine(src: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const [a, b, c, d, e, f] = m;
  const scale = Math.max(Math.hypot(a, d), Math.hypot(b, e));
  const taps = Math.min(4, Math.max(1, Math.ceil(scale)));
  const out = new Uint8Array(outW * outH * 3);
  const { data, width, height } = src;
  const rgb = [0, 0, 0];
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let r = 0, g = 0, bl = 0;
      for (let ty = 0; ty < taps; ty++) {
        for (let tx = 0; tx < taps; tx++) {
          const ox = x + (tx + 0.5) / taps - 0.5;
          const oy = y + (ty + 0.5) / taps - 0.5;
          bilinear(data, width, height, a * ox + b * oy + c, d * ox + e * oy + f, rgb);
          r += rgb[0]!; g += rgb[1]!; bl += rgb[2]!;
        }
      }
      const n = taps * taps;
      const o = (y * outW + x) * 3;
      out[o] = Math.round(r / n);
      out[o + 1] = Math.round(g / n);
      out[o + 2] = Math.round(bl / n);
    }
  }
  return { data: out, width: outW, height: outH };
}

/** Bilinear sample with edge replication (so crops past the border stay neutral). */
function bilinear(data: Uint8Array, w: number, h: number, sx: number, sy: number, out: number[]): void {
  const x = Math.min(Math.max(sx, 0), w - 1);
  const y = Math.min(Math.max(sy, 0), h - 1);
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
  const fx = x - x0, fy = y - y0;
  const i00 = (y0 * w + x0) * 3, i10 = (y0 * w + x1) * 3, i01 = (y1 * w + x0) * 3, i11 = (y1 * w + x1) * 3;
  for (let ch = 0; ch < 3; ch++) {
    const top = data[i00 + ch]! + (data[i10 + ch]! - data[i00 + ch]!) * fx;
    const bottom = data[i01 + ch]! + (data[i11 + ch]! - data[i01 + ch]!) * fx;
    out[ch] = top + (bottom - top) * fy;
  }
}

/** Affine that maps an output grid of `outW`x`outH` onto the source rectangle. */
export function rectToAffine(x: number, y: number, w: number, h: number, outW: number, outH: number): Affine {
  return [w / outW, 0, x, 0, h / outH, y];
}

export type ChannelOrder = 'RGB' | 'BGR';

/** NCHW float tensor data from an RGB image: (value - mean) / std per channel, in the given order. */
export function toPlanar(img: RgbImage, order: ChannelOrder, mean: number, std: number): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(3 * n);
  const map = order === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 3; ch++) out[ch * n + i] = (img.data[i * 3 + map[ch]!]! - mean) / std;
  }
  return out;
}

/** ITU-R BT.601 luma, the grey the landmark model and the quality checks use. */
export function toGrey(img: RgbImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = 0.299 * img.data[i * 3]! + 0.587 * img.data[i * 3 + 1]! + 0.114 * img.data[i * 3 + 2]!;
  }
  return out;
}
