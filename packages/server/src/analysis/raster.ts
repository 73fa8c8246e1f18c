/** An 8-bit interleaved RGB image in memory. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** 2x3 affine matrix mapping output pixel (x, y) to source (a*x + b*y + c, d*x + e*y + f). */
export type Affine = readonly [number, number, number, number, number, number];

/**
 * Samples `src` through an affine map into an `outW`x`outH` RGB image, with
 * bilinear taps and edge replication (so crops past the border stay neutral).
 * When the map shrinks the source, several taps are averaged per output
 * pixel so large photos do not alias before a 112 px or 320 px model.
 */
export function warpAffine(src: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const [a, b, c, d, e, f] = m;
  const taps = Math.min(4, Math.max(1, Math.ceil(Math.max(Math.hypot(a, d), Math.hypot(b, e)))));
  const offsets = new Float64Array(taps);
  for (let t = 0; t < taps; t++) offsets[t] = (t + 0.5) / taps;
  if (b === 0 && d === 0) return warpAxisAligned(src, a, c, e, f, outW, outH, offsets);
  const out = new Uint8Array(outW * outH * 3);
  const { data, width: w, height: h } = src;
  const maxX = w - 1, maxY = h - 1;
  const row = w * 3;
  const weight = 1 / (taps * taps);
  let o = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let r = 0, g = 0, bl = 0;
      for (let ty = 0; ty < taps; ty++) {
        const oy = y + offsets[ty]! - 0.5;
        const by = b * oy, ey = e * oy;
        for (let tx = 0; tx < taps; tx++) {
          const ox = x + offsets[tx]! - 0.5;
          let sx = a * ox + by + c;
          let sy = d * ox + ey + f;
          sx = sx < 0 ? 0 : sx > maxX ? maxX : sx;
          sy = sy < 0 ? 0 : sy > maxY ? maxY : sy;
          const x0 = sx | 0, y0 = sy | 0;
          const fx = sx - x0, fy = sy - y0, gx = 1 - fx, gy = 1 - fy;
          const i00 = (y0 * w + x0) * 3;
          const dx = x0 < maxX ? 3 : 0;
          const i01 = y0 < maxY ? i00 + row : i00;
          const w00 = gx * gy, w10 = fx * gy, w01 = gx * fy, w11 = fx * fy;
          r += data[i00]! * w00 + data[i00 + dx]! * w10 + data[i01]! * w01 + data[i01 + dx]! * w11;
          g += data[i00 + 1]! * w00 + data[i00 + dx + 1]! * w10 + data[i01 + 1]! * w01 + data[i01 + dx + 1]! * w11;
          bl += data[i00 + 2]! * w00 + data[i00 + dx + 2]! * w10 + data[i01 + 2]! * w01 + data[i01 + dx + 2]! * w11;
        }
      }
      out[o++] = r * weight + 0.5;
      out[o++] = g * weight + 0.5;
      out[o++] = bl * weight + 0.5;
    }
  }
  return { data: out, width: outW, height: outH };
}

/**
 * warpAffine's sampling for a map without rotation (crops and resizes, most
 * of the work per frame): the same taps, computed separably. Each output
 * row's tap rows are interpolated once across the columns from the leftmost
 * tap to the rightmost and summed, then each output pixel combines columns of the sum, instead of
 * four reads per tap per channel.
 */
function warpAxisAligned(src: RgbImage, a: number, c: number, e: number, f: number, outW: number, outH: number, offsets: Float64Array): RgbImage {
  const { data, width: w, height: h } = src;
  const maxX = w - 1, maxY = h - 1;
  const taps = offsets.length;
  const n = outW * taps;
  const left = new Int32Array(n), right = new Int32Array(n);
  const wLeft = new Float64Array(n), wRight = new Float64Array(n);
  let lo = maxX, hi = 0;
  for (let x = 0, k = 0; x < outW; x++) {
    for (let t = 0; t < taps; t++, k++) {
      let sx = a * (x + offsets[t]! - 0.5) + c;
      sx = sx < 0 ? 0 : sx > maxX ? maxX : sx;
      const x0 = sx | 0;
      left[k] = x0;
      right[k] = x0 < maxX ? x0 + 1 : x0;
      wRight[k] = sx - x0;
      wLeft[k] = 1 - (sx - x0);
      if (x0 < lo) lo = x0;
      if (right[k]! > hi) hi = right[k]!;
    }
  }
  for (let k = 0; k < n; k++) {
    left[k] = (left[k]! - lo) * 3;
    right[k] = (right[k]! - lo) * 3;
  }
  const span = Math.max(0, hi - lo + 1) * 3;
  // Every tap row's interpolation summed: the horizontal taps are linear, so they apply once to the sum.
  const tapRows = new Float64Array(span);
  const out = new Uint8Array(outW * outH * 3);
  const weight = 1 / (taps * taps);
  for (let y = 0, o = 0; y < outH; y++) {
    tapRows.fill(0);
    for (let t = 0; t < taps; t++) {
      let sy = e * (y + offsets[t]! - 0.5) + f;
      sy = sy < 0 ? 0 : sy > maxY ? maxY : sy;
      const y0 = sy | 0;
      const fy = sy - y0, gy = 1 - fy;
      const top = (y0 * w + lo) * 3;
      const bottom = y0 < maxY ? top + w * 3 : top;
      for (let i = 0; i < span; i++) tapRows[i] = tapRows[i]! + data[top + i]! * gy + data[bottom + i]! * fy;
    }
    for (let x = 0, k = 0; x < outW; x++) {
      let r = 0, g = 0, bl = 0;
      for (let tx = 0; tx < taps; tx++, k++) {
        const l = left[k]!, rt = right[k]!, wl = wLeft[k]!, wr = wRight[k]!;
        r += tapRows[l]! * wl + tapRows[rt]! * wr;
        g += tapRows[l + 1]! * wl + tapRows[rt + 1]! * wr;
        bl += tapRows[l + 2]! * wl + tapRows[rt + 2]! * wr;
      }
      out[o++] = r * weight + 0.5;
      out[o++] = g * weight + 0.5;
      out[o++] = bl * weight + 0.5;
    }
  }
  return { data: out, width: outW, height: outH };
}

/**
 * Resizes the whole image to `outW`x`outH` (aspect not kept). A large
 * reduction first averages k x k blocks, which costs one read per source
 * pixel instead of many bilinear taps per output pixel.
 */
export function resize(src: RgbImage, outW: number, outH: number): RgbImage {
  const k = Math.floor(Math.min(src.width / outW, src.height / outH));
  const reduced = k >= 2 ? boxReduce(src, k) : src;
  // A camera's 640x480 to the detector's 320x240: the block average is the result, and the warp would copy it.
  if (reduced.width === outW && reduced.height === outH) return reduced;
  return warpAffine(reduced, rectToAffine(0, 0, reduced.width, reduced.height, outW, outH), outW, outH);
}

/** Averages each k x k block (the last partial row and column are dropped). */
export function boxReduce(src: RgbImage, k: number): RgbImage {
  const outW = Math.floor(src.width / k), outH = Math.floor(src.height / k);
  const sums = new Float64Array(outW * 3);
  const out = new Uint8Array(outW * outH * 3);
  const inv = 1 / (k * k);
  for (let oy = 0; oy < outH; oy++) {
    sums.fill(0);
    for (let y = oy * k; y < (oy + 1) * k; y++) {
      let i = y * src.width * 3;
      for (let ox = 0; ox < outW; ox++) {
        const s = ox * 3;
        let r = 0, g = 0, b = 0;
        for (let t = 0; t < k; t++, i += 3) {
          r += src.data[i]!;
          g += src.data[i + 1]!;
          b += src.data[i + 2]!;
        }
        sums[s] = sums[s]! + r;
        sums[s + 1] = sums[s + 1]! + g;
        sums[s + 2] = sums[s + 2]! + b;
      }
    }
    const row = oy * outW * 3;
    for (let j = 0; j < outW * 3; j++) out[row + j] = sums[j]! * inv + 0.5;
  }
  return { data: out, width: outW, height: outH };
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
