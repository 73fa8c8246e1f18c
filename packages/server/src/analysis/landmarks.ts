import { mean, type Point } from './geometry.js';

/** Indices into the 68-point (iBUG 300-W) layout, named from the subject's side. */
export const LANDMARK = {
  jaw: [0, 16],
  rightEye: [36, 37, 38, 39, 40, 41],
  leftEye: [42, 43, 44, 45, 46, 47],
  noseTip: 30,
  noseBridge: 27,
  chin: 8,
  mouthRight: [48, 60],
  mouthLeft: [54, 64],
} as const;

/** The subject's right eye is on the image's left (the iBUG 36–41 points). */
export interface FivePoints {
  rightEye: Point;
  leftEye: Point;
  nose: Point;
  mouthRight: Point;
  mouthLeft: Point;
}

const pick = (pts: readonly Point[], idx: readonly number[]) => idx.map((i) => pts[i]!);

/**
 * Eye centres from the lids only (37, 38, 40, 41 and 43, 44, 46, 47): the
 * corners move with the eye shape, the lids track the pupil.
 */
export function fivePoints(pts: readonly Point[]): FivePoints {
  if (pts.length !== 68) throw new Error(`expected 68 landmarks, got ${pts.length}`);
  return {
    rightEye: mean(pick(pts, [37, 38, 40, 41])),
    leftEye: mean(pick(pts, [43, 44, 46, 47])),
    nose: pts[LANDMARK.noseTip]!,
    mouthRight: mean(pick(pts, LANDMARK.mouthRight)),
    mouthLeft: mean(pick(pts, LANDMARK.mouthLeft)),
  };
}

export const fivePointList = (f: FivePoints): Point[] => [f.rightEye, f.leftEye, f.nose, f.mouthRight, f.mouthLeft];
