import { distance, type Point } from '../analysis/geometry.js';
import { fivePoints } from '../analysis/landmarks.js';
import type { RgbImage } from '../analysis/raster.js';
import { SRGB_TO_LINEAR_255, type Rgb } from './srgb.js';

export type SkinRegion = 'forehead' | 'nose' | 'rightCheek' | 'leftCheek';
export const SKIN_REGIONS: readonly SkinRegion[] = ['forehead', 'nose', 'rightCheek', 'leftCheek'];

/** Where the screen's light is measured, in image pixels; cheeks are named from the subject's side. */
export interface RegionShapes {
  skin: Record<SkinRegion, Point[]>;
  /** Two bands beside the head (never above it, where hair is lit like the forehead, nor below, where the shoulders are). */
  background: Point[][];
}

/** Mean linear RGB (0–255 scale) of each region in one frame; background is null when the bands fall outside the image. */
export interface RegionMeans {
  forehead: Rgb;
  nose: Rgb;
  rightCheek: Rgb;
  leftCheek: Rgb;
  background: Rgb | null;
}

const lerp = (a: Point, b: Point, k: number): Point => ({ x: a.x + (b.x - a.x) * k, y: a.y + (b.y - a.y) * k });
const shift = (p: Point, dir: Point, k: number): Point => ({ x: p.x + dir.x * k, y: p.y + dir.y * k });

/**
 * Skin regions from the 68 landmarks, sized by the eye distance so they keep
 * their place on the face at any scale and roll: the forehead from just above
 * the brows up by 0.35 eye distances; each cheek between the lower lid, the
 * jaw and the nostril, on the side of the face where its surface turns away
 * from the screen; the nose from the bridge to the tip; and the background
 * as bands 0.35–0.75 face widths beside the face.
 */
export function regionShapes(pts: readonly Point[]): RegionShapes {
  const p = (i: number) => pts[i]!;
  const five = fivePoints(pts);
  const d = distance(five.rightEye, five.leftEye);
  const across = { x: (five.leftEye.x - five.rightEye.x) / d, y: (five.leftEye.y - five.rightEye.y) / d };
  const up = { x: across.y, y: -across.x };
  const down = { x: -up.x, y: -up.y };

  const brows = [18, 19, 20, 21, 22, 23, 24, 25].map(p);
  const forehead = [...brows.map((b) => shift(b, up, 0.05 * d)), ...[...brows].reverse().map((b) => shift(b, up, 0.35 * d))];

  const cheek = (jawTop: Point, jawLow: Point, lid: Point, nostril: Point) => [
    shift(lerp(jawTop, lid, 0.3), down, 0.15 * d),
    shift(lerp(jawTop, lid, 0.8), down, 0.2 * d),
    lerp(jawLow, nostril, 0.6),
    lerp(jawLow, nostril, 0.15),
  ];
  const rightCheek = cheek(p(1), p(3), lerp(p(40), p(41), 0.5), p(31));
  const leftCheek = cheek(p(15), p(13), lerp(p(46), p(47), 0.5), p(35));
  const nose = [p(28), lerp(p(30), p(35), 0.6), p(30), lerp(p(30), p(31), 0.6)];

  const jaw = pts.slice(0, 17);
  const x0 = Math.min(...jaw.map((q) => q.x)), x1 = Math.max(...jaw.map((q) => q.x));
  const w = x1 - x0;
  const top = Math.min(...brows.map((q) => q.y)), bottom = p(8).y;
  const band = (a: number, b: number) => [{ x: a, y: top }, { x: b, y: top }, { x: b, y: bottom }, { x: a, y: bottom }];
  return {
    skin: { forehead, nose, rightCheek, leftCheek },
    background: [band(x0 - 0.75 * w, x0 - 0.35 * w), band(x1 + 0.35 * w, x1 + 0.75 * w)],
  };
}

/** Background bands with fewer pixels inside the image than this are not measured. */
const MIN_BACKGROUND_PIXELS = 200;

/** A skin region this small (a face far from the camera, or mostly outside the frame) gives no usable mean. */
const MIN_SKIN_PIXELS = 30;

/**
 * Mean linear RGB of each region, from the decoded sRGB pixels (sRGB decoded
 * per pixel: light adds up linearly); null when a skin region is too small.
 */
export function measureRegions(img: RgbImage, landmarks: readonly Point[]): RegionMeans | null {
  const shapes = regionShapes(landmarks);
  const mean = (polys: readonly Point[][], stride: number, minPixels: number): Rgb | null => {
    const acc = [0, 0, 0, 0];
    for (const poly of polys) accumulate(img, poly, stride, acc);
    return acc[3]! >= minPixels ? [acc[0]! / acc[3]!, acc[1]! / acc[3]!, acc[2]! / acc[3]!] : null;
  };
  const [forehead, nose, rightCheek, leftCheek] = SKIN_REGIONS.map((r) => mean([shapes.skin[r]], 1, MIN_SKIN_PIXELS));
  if (!forehead || !nose || !rightCheek || !leftCheek) return null;
  return {
    forehead,
    nose,
    rightCheek,
    leftCheek,
    // Every other pixel: the bands are large, and a mean needs no more.
    background: mean(shapes.background, 2, MIN_BACKGROUND_PIXELS / 4),
  };
}

/** Adds the linear RGB of the pixels whose centres fall inside `poly` (even-odd rule), and their count. */
function accumulate(img: RgbImage, poly: readonly Point[], stride: number, acc: number[]): void {
  const { data, width, height } = img;
  const ys = poly.map((q) => q.y);
  const y0 = Math.max(0, Math.ceil(Math.min(...ys) - 0.5)), y1 = Math.min(height - 1, Math.floor(Math.max(...ys) - 0.5));
  const crossings: number[] = [];
  for (let y = y0; y <= y1; y += stride) {
    const cy = y + 0.5;
    crossings.length = 0;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const a = poly[i]!, b = poly[j]!;
      if ((a.y > cy) !== (b.y > cy)) crossings.push(a.x + ((cy - a.y) * (b.x - a.x)) / (b.y - a.y));
    }
    crossings.sort((u, v) => u - v);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const x0 = Math.max(0, Math.ceil(crossings[k]! - 0.5)), x1 = Math.min(width - 1, Math.floor(crossings[k + 1]! - 0.5));
      for (let x = x0; x <= x1; x += stride) {
        const o = (y * width + x) * 3;
        acc[0]! += SRGB_TO_LINEAR_255[data[o]!]!;
        acc[1]! += SRGB_TO_LINEAR_255[data[o + 1]!]!;
        acc[2]! += SRGB_TO_LINEAR_255[data[o + 2]!]!;
        acc[3]!++;
      }
    }
  }
}
