/**
 * Face geometry for the reflection model: the head as an ellipsoid seen from
 * the front, from a detector box or from 68 landmarks (iBUG order, as the
 * verifier's landmark model gives them).
 */
export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface FaceGeometry {
  /** Centre and semi-axes of the head ellipse (forehead to chin, cheek to cheek) in image pixels. */
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** In-plane rotation of the head, radians (positive: clockwise in image coordinates). */
  roll: number;
  /** Depth of the head ellipsoid as a share of rx (a head is about as deep as it is wide). */
  depth: number;
}

/**
 * From a face detector box that runs from the hairline to the chin and from
 * cheek to cheek (what fr_detect gives, DESIGN §6).
 */
export function faceFromBox(box: FaceBox): FaceGeometry {
  return { cx: box.x + box.w / 2, cy: box.y + box.h * 0.48, rx: box.w * 0.52, ry: box.h * 0.55, roll: 0, depth: 0.95 };
}

/** From 68 landmarks: jaw line 0–16, brows 17–26, eyes 36–47; the forehead is estimated above the brows. */
export function faceFromLandmarks(points: readonly Point[]): FaceGeometry {
  if (points.length < 68) throw new RangeError(`68 landmarks expected, got ${points.length}`);
  const p = (i: number) => points[i]!;
  const mean = (ids: number[]) => ({ x: ids.reduce((s, i) => s + p(i).x, 0) / ids.length, y: ids.reduce((s, i) => s + p(i).y, 0) / ids.length });
  const leftEye = mean([36, 37, 38, 39, 40, 41]);
  const rightEye = mean([42, 43, 44, 45, 46, 47]);
  const roll = Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
  // Work in the head's own frame (roll removed) around the eyes' midpoint.
  const o = { x: (leftEye.x + rightEye.x) / 2, y: (leftEye.y + rightEye.y) / 2 };
  const cos = Math.cos(-roll), sin = Math.sin(-roll);
  const local = (q: Point) => ({ x: (q.x - o.x) * cos - (q.y - o.y) * sin, y: (q.x - o.x) * sin + (q.y - o.y) * cos });
  const jaw = Array.from({ length: 17 }, (_, i) => local(p(i)));
  const brows = Array.from({ length: 10 }, (_, i) => local(p(17 + i)));
  const left = Math.min(...jaw.map((q) => q.x)), right = Math.max(...jaw.map((q) => q.x));
  const chin = Math.max(...jaw.map((q) => q.y));
  const brow = Math.min(...brows.map((q) => q.y));
  // The hairline sits about 0.45 brow-to-chin distances above the brows.
  const top = brow - 0.45 * (chin - brow);
  const lc = { x: (left + right) / 2, y: (top + chin) / 2 };
  const ccos = Math.cos(roll), csin = Math.sin(roll);
  return {
    cx: o.x + lc.x * ccos - lc.y * csin,
    cy: o.y + lc.x * csin + lc.y * ccos,
    rx: ((right - left) / 2) * 1.0,
    ry: ((chin - top) / 2) * 1.02,
    roll,
    depth: 0.95,
  };
}

/** A uniform scale then translation of image coordinates (e.g. a crop-and-resize). */
export interface Placement {
  scale: number;
  dx: number;
  dy: number;
}

export function placeGeometry(g: FaceGeometry, p: Placement): FaceGeometry {
  return { ...g, cx: g.cx * p.scale + p.dx, cy: g.cy * p.scale + p.dy, rx: g.rx * p.scale, ry: g.ry * p.scale };
}

export function placeBox(b: FaceBox, p: Placement): FaceBox {
  return { x: b.x * p.scale + p.dx, y: b.y * p.scale + p.dy, w: b.w * p.scale, h: b.h * p.scale };
}

export interface Crop {
  /** Source rectangle (may extend past the photo: pad it with the background colour). */
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  /** Where the source lands in the output frame. */
  placement: Placement;
}

/**
 * Frames a portrait like a selfie camera: the face box fills `faceShare` of
 * the output height, centred horizontally, its centre at `cy` of the height.
 */
export function frameCrop(face: FaceBox, outW: number, outH: number, opts: { faceShare?: number; cy?: number } = {}): Crop {
  const faceShare = opts.faceShare ?? 0.55;
  const cy = opts.cy ?? 0.5;
  const scale = (outH * faceShare) / face.h;
  const sw = outW / scale, sh = outH / scale;
  const sx = face.x + face.w / 2 - sw / 2;
  const sy = face.y + face.h / 2 - cy * sh;
  return { sx, sy, sw, sh, placement: { scale, dx: -sx * scale, dy: -sy * scale } };
}

/** Position in the head's normalised frame: u, v in [-1, 1] on the ellipse, roll removed. */
export function headCoords(g: FaceGeometry, x: number, y: number): { u: number; v: number } {
  const c = Math.cos(g.roll), s = Math.sin(g.roll);
  const ex = x - g.cx, ey = y - g.cy;
  return { u: (ex * c + ey * s) / g.rx, v: (-ex * s + ey * c) / g.ry };
}

/**
 * Skin regions in the head's normalised frame (u right, v down), as a
 * verifier would place them from landmarks: forehead, both cheeks, nose.
 */
export const SKIN_REGIONS = {
  forehead: { u: 0, v: -0.55, ru: 0.35, rv: 0.12 },
  leftCheek: { u: -0.5, v: 0.2, ru: 0.15, rv: 0.15 },
  rightCheek: { u: 0.5, v: 0.2, ru: 0.15, rv: 0.15 },
  nose: { u: 0, v: 0.1, ru: 0.08, rv: 0.15 },
} as const;
export type SkinRegion = keyof typeof SKIN_REGIONS;

export function inRegion(g: FaceGeometry, region: SkinRegion, x: number, y: number): boolean {
  const r = SKIN_REGIONS[region];
  const { u, v } = headCoords(g, x, y);
  return ((u - r.u) / r.ru) ** 2 + ((v - r.v) / r.rv) ** 2 <= 1;
}
