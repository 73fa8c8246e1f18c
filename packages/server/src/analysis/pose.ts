import { distance, mean, type Point } from './geometry.js';
import { LANDMARK, fivePoints } from './landmarks.js';

export interface HeadPose {
  rollDeg: number;
  yawDeg: number;
  pitchDeg: number;
}

const DEG = 180 / Math.PI;

/**
 * Head pose from 2-D landmarks, no camera model. Roll is the eye line's
 * angle. After undoing roll, yaw treats the head as a cylinder: the nose sits
 * off the jaw's midline by sin(yaw) of the half-width. Pitch compares where
 * the nose tip falls between the eye line and the mouth line with where it
 * falls on an average frontal face: it is an estimate good to a few degrees,
 * enough to reject a clearly tilted head.
 */
export function estimatePose(pts: readonly Point[]): HeadPose {
  const five = fivePoints(pts);
  const roll = Math.atan2(five.leftEye.y - five.rightEye.y, five.leftEye.x - five.rightEye.x);
  const centre = mean([five.rightEye, five.leftEye]);
  const cos = Math.cos(-roll), sin = Math.sin(-roll);
  const upright = (p: Point): Point => ({
    x: centre.x + (p.x - centre.x) * cos - (p.y - centre.y) * sin,
    y: centre.y + (p.x - centre.x) * sin + (p.y - centre.y) * cos,
  });
  const jawRight = upright(pts[LANDMARK.jaw[0]]!);
  const jawLeft = upright(pts[LANDMARK.jaw[1]]!);
  const nose = upright(five.nose);
  const halfWidth = (jawLeft.x - jawRight.x) / 2;
  const midline = (jawLeft.x + jawRight.x) / 2;
  const yawSin = halfWidth > 0 ? clamp((nose.x - midline) / (halfWidth * NOSE_RADIUS_SHARE), -1, 1) : 0;

  const eyeY = centre.y;
  const mouthY = mean([upright(five.mouthLeft), upright(five.mouthRight)]).y;
  const span = mouthY - eyeY;
  const noseShare = span > 0 ? (nose.y - eyeY) / span : FRONTAL_NOSE_SHARE;
  // The nose tip stands ~0.6 eye-to-mouth spans in front of the face plane on
  // an average adult face; tilting by θ moves it by depth·sin θ along the span.
  const pitchSin = clamp((noseShare - FRONTAL_NOSE_SHARE) / NOSE_DEPTH_SHARE, -1, 1);
  return { rollDeg: roll * DEG, yawDeg: Math.asin(yawSin) * DEG, pitchDeg: -Math.asin(pitchSin) * DEG };
}

/**
 * The nose tip turns on a larger radius than the jaw points (it stands in
 * front of the cheeks): about 1.3 half-widths of the face on average adults.
 */
const NOSE_RADIUS_SHARE = 1.3;

/** Eye-to-nose-tip share of the eye-to-mouth span on an average frontal face. */
export const FRONTAL_NOSE_SHARE = 0.6;
const NOSE_DEPTH_SHARE = 0.6;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Eye aspect ratio: lid opening over eye width, ~0.3 open, < 0.15 closed. */
export function eyeOpenness(pts: readonly Point[]): number {
  const ear = (idx: readonly number[]) => {
    const [p1, p2, p3, p4, p5, p6] = idx.map((i) => pts[i]!) as [Point, Point, Point, Point, Point, Point];
    return (distance(p2, p6) + distance(p3, p5)) / (2 * distance(p1, p4));
  };
  return Math.min(ear(LANDMARK.rightEye), ear(LANDMARK.leftEye));
}
