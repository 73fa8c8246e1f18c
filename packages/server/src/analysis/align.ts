import type { Point } from './geometry.js';
import type { Affine } from './raster.js';

/** ArcFace's canonical 5 points (eyes, nose tip, mouth corners) in a 112x112 crop. */
export const ARCFACE_REFERENCE: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/** Similarity transform q = [a -b; b a] p + (tx, ty). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

/**
 * Least-squares similarity (rotation, uniform scale, translation; no shear,
 * no reflection) taking `src` onto `dst`. Closed form: with centred points the
 * problem is linear in (a, b).
 */
export function fitSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  if (src.length !== dst.length || src.length < 2) throw new Error('need at least two point pairs');
  const n = src.length;
  const sc = { x: 0, y: 0 }, dc = { x: 0, y: 0 };
  for (let i = 0; i < n; i++) {
    sc.x += src[i]!.x / n; sc.y += src[i]!.y / n;
    dc.x += dst[i]!.x / n; dc.y += dst[i]!.y / n;
  }
  let dot = 0, cross = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]!.x - sc.x, py = src[i]!.y - sc.y;
    const qx = dst[i]!.x - dc.x, qy = dst[i]!.y - dc.y;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm === 0) throw new Error('source points coincide');
  const a = dot / norm, b = cross / norm;
  return { a, b, tx: dc.x - (a * sc.x - b * sc.y), ty: dc.y - (b * sc.x + a * sc.y) };
}

export function applySimilarity(s: Similarity, p: Point): Point {
  return { x: s.a * p.x - s.b * p.y + s.tx, y: s.b * p.x + s.a * p.y + s.ty };
}

/** The inverse map as a sampling affine: output (crop) pixel → source pixel. */
export function inverseAffine(s: Similarity): Affine {
  const k = s.a * s.a + s.b * s.b;
  const ia = s.a / k, ib = -s.b / k;
  return [ia, -ib, -(ia * s.tx - ib * s.ty), ib, ia, -(ib * s.tx + ia * s.ty)];
}
