import type { FrameObservation } from './express.js';

/** A face at this Laplacian variance scores half; the trusted-image BLURRY floor is 20 too. */
const SHARPNESS_HALF = 20;
/** A head turned this far (yaw, pitch or roll) scores zero for pose. */
const MAX_TURN_DEG = 45;

/**
 * How well a frame shows the session's face, for the evidence frame and the
 * frames the face match averages: detector confidence x sharpness x frontal
 * pose, in [0, 1) for a frame with exactly one face, -1 for any other so that
 * a face frame always ranks above one without.
 */
export function frameQuality(frame: FrameObservation): number {
  const f = frame.face;
  if (frame.faceCount !== 1 || !f) return -1;
  const sharpness = f.sharpness / (f.sharpness + SHARPNESS_HALF);
  const turn = Math.max(Math.abs(f.yawDeg), Math.abs(f.pitchDeg), Math.abs(f.rollDeg));
  const frontal = Math.max(0, 1 - turn / MAX_TURN_DEG);
  return f.detectionScore * sharpness * frontal;
}
