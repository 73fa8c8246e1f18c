import type { ImageCheckFailure } from '@facelight/protocol';
import type { ImageAnalysis } from './analyze-face.js';

/**
 * Limits of the automatable ISO/IEC 19794-5 checks. Pose limits are wider
 * than the standard's ±5°: a 2-D landmark estimate is only good to a few
 * degrees, and the face matcher is robust well beyond them.
 */
export interface TrustedImageLimits {
  minEyeDistancePx: number;
  maxRollDeg: number;
  maxYawDeg: number;
  maxPitchDeg: number;
  minEyeOpenness: number;
  maxOverexposedShare: number;
  maxUnderexposedShare: number;
  minDynamicRange: number;
  minIlluminationRatio: number;
  minSharpness: number;
}

export const DEFAULT_TRUSTED_IMAGE_LIMITS: TrustedImageLimits = {
  minEyeDistancePx: 85,
  maxRollDeg: 8,
  maxYawDeg: 25,
  maxPitchDeg: 20,
  minEyeOpenness: 0.1,
  maxOverexposedShare: 0.05,
  maxUnderexposedShare: 0.05,
  // ISO/IEC 19794-5 asks for at least 7 bits of intensity variation on the face.
  minDynamicRange: 128,
  minIlluminationRatio: 0.5,
  minSharpness: 20,
};

const round = (v: number, digits = 3) => Number(v.toFixed(digits));

/** Every failed check, so the integrator can fix the image in one go. */
export function checkTrustedImage(a: ImageAnalysis, limits: TrustedImageLimits): ImageCheckFailure[] {
  if (a.faceCount === 0 || !a.face) return [{ code: 'NO_FACE', message: 'No face was found in the image.' }];
  const failures: ImageCheckFailure[] = [];
  if (a.faceCount > 1) {
    failures.push({ code: 'MULTIPLE_FACES', message: `${a.faceCount} faces were found; exactly one is required.`, measured: a.faceCount, limit: 1 });
  }
  const q = a.face.quality;
  if (!q) throw new Error('trusted-image checks need an analysis with quality measures');
  const atLeast = (code: ImageCheckFailure['code'], value: number, limit: number, what: string) => {
    if (value < limit) failures.push({ code, message: `${what} is ${round(value, 2)}, below the minimum of ${limit}.`, measured: round(value), limit });
  };
  const atMost = (code: ImageCheckFailure['code'], value: number, limit: number, what: string) => {
    if (value > limit) failures.push({ code, message: `${what} is ${round(value, 2)}, above the maximum of ${limit}.`, measured: round(value), limit });
  };
  if (a.face.landmarksOutside > 0) {
    failures.push({ code: 'FACE_CUT_OFF', message: `${a.face.landmarksOutside} face landmarks lie outside the image.`, measured: a.face.landmarksOutside, limit: 0 });
  }
  atLeast('EYE_DISTANCE_TOO_SMALL', q.eyeDistancePx, limits.minEyeDistancePx, 'The distance between the eye centres (px)');
  atMost('ROLL_OUT_OF_RANGE', Math.abs(q.rollDeg), limits.maxRollDeg, 'The head roll (degrees)');
  atMost('YAW_OUT_OF_RANGE', Math.abs(q.yawDeg), limits.maxYawDeg, 'The head yaw (degrees)');
  atMost('PITCH_OUT_OF_RANGE', Math.abs(q.pitchDeg), limits.maxPitchDeg, 'The head pitch (degrees)');
  atLeast('EYES_CLOSED', q.eyeOpenness, limits.minEyeOpenness, 'The eye opening (aspect ratio)');
  atMost('OVEREXPOSED', q.overexposedShare, limits.maxOverexposedShare, 'The share of saturated face pixels');
  atMost('UNDEREXPOSED', q.underexposedShare, limits.maxUnderexposedShare, 'The share of near-black face pixels');
  atLeast('LOW_DYNAMIC_RANGE', q.dynamicRange, limits.minDynamicRange, 'The face luma range (grey levels)');
  atLeast('UNEVEN_ILLUMINATION', q.illuminationRatio, limits.minIlluminationRatio, 'The darker-to-brighter face side ratio');
  atLeast('BLURRY', q.sharpness, limits.minSharpness, 'The face sharpness (Laplacian variance)');
  return failures;
}
