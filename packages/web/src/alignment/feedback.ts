import type { FeedbackCode, Oval } from '@facelight/protocol';
import type { Box, FaceObservation } from './face-geometry.js';
import type { FrameStats } from './frame-stats.js';

/** Where the face was at one detection; the newest sample is the current face. */
export interface MotionSample {
  t: number;
  box: Box;
}

/**
 * Limits of the live guidance. Looser than the trusted-image checks: they only
 * steer the user into a pose the verifier can work with, and a strict on-device
 * gate would lock out users the server would accept.
 */
export const FEEDBACK_LIMITS = {
  /** Face-mesh width (cheek to cheek) over oval width. */
  minFill: 0.6,
  maxFill: 1.0,
  /** Face-mesh height (forehead to chin) over oval height. */
  maxFillHeight: 1.05,
  /** Distance between face and oval centres, as a share of the oval's size per axis. */
  maxOffset: 0.15,
  maxYawDeg: 20,
  maxPitchDeg: 20,
  maxRollDeg: 15,
  /** Open eyes measured 0.20–0.44 on 49 faces. */
  minEyeOpenness: 0.13,
  /** Mean face luma 0–255; a well-lit dark-skinned face is far above 45. */
  minMeanLuma: 45,
  maxMeanLuma: 210,
  maxSaturatedFraction: 0.2,
  /** Measured: 0.27–0.40 for a sharp face (dim, bright or noisy), 0.03–0.04 blurred by σ 2.5–5 px. */
  minSharpness: 0.08,
  /** Face widths per second over MOTION_WINDOW_MS; measured ≤ 0.05 still, 0.5–0.9 moving. */
  maxSpeed: 0.2,
} as const;

export const MOTION_WINDOW_MS = 600;

/**
 * The one hint to show now. Ordered so the user fixes one thing at a time,
 * coarse before fine: framing, then pose, then light, stillness and sharpness. `frame` is undefined when no face statistics could be taken.
 */
export function feedbackFor(
  faces: readonly FaceObservation[],
  oval: Oval,
  frame: FrameStats | undefined,
  history: readonly MotionSample[],
): FeedbackCode {
  const L = FEEDBACK_LIMITS;
  const [face, ...others] = faces;
  if (!face) return 'FACE_NOT_FOUND';
  if (others.length > 0) return 'MULTIPLE_FACES';

  const fill = face.box.w / oval.w;
  if (fill > L.maxFill || face.box.h / oval.h > L.maxFillHeight) return 'TOO_CLOSE';
  const dx = (face.box.x + face.box.w / 2 - oval.cx) / oval.w;
  const dy = (face.box.y + face.box.h / 2 - oval.cy) / oval.h;
  if (Math.abs(dx) > L.maxOffset || Math.abs(dy) > L.maxOffset) return 'OFF_CENTER';
  if (fill < L.minFill) return 'TOO_FAR';

  if (Math.abs(face.yaw) > L.maxYawDeg || Math.abs(face.pitch) > L.maxPitchDeg || Math.abs(face.roll) > L.maxRollDeg) {
    return 'LOOK_STRAIGHT';
  }
  if (face.eyeOpenness < L.minEyeOpenness) return 'EYES_CLOSED';

  if (frame) {
    if (frame.meanLuma < L.minMeanLuma) return 'TOO_DARK';
    if (frame.meanLuma > L.maxMeanLuma || frame.saturatedFraction > L.maxSaturatedFraction) return 'TOO_BRIGHT';
  }
  // Movement is the usual cause of blur, so it is named first.
  if (faceSpeed(history) > L.maxSpeed) return 'HOLD_STILL';
  if (frame && frame.sharpness < L.minSharpness) return 'BLURRY';
  return 'ALIGNED';
}

/** Appends a detection and forgets those older than the motion window. */
export function recordMotion(history: readonly MotionSample[], sample: MotionSample): MotionSample[] {
  return [...history, sample].filter((s) => sample.t - s.t <= MOTION_WINDOW_MS);
}

/** Face widths per second between the oldest and newest sample; 0 with fewer than two. */
export function faceSpeed(history: readonly MotionSample[]): number {
  const first = history[0];
  const last = history[history.length - 1];
  if (!first || !last || last.t <= first.t) return 0;
  const shift = Math.hypot(centre(last.box).x - centre(first.box).x, centre(last.box).y - centre(first.box).y);
  const growth = Math.abs(last.box.w - first.box.w);
  return (Math.max(shift, growth) / last.box.w) * (1000 / (last.t - first.t));
}

function centre(box: Box): { x: number; y: number } {
  return { x: box.x + box.w / 2, y: box.y + box.h / 2 };
}
