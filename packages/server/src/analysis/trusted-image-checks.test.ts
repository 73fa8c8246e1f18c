import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FaceQuality } from '@facelight/protocol';
import type { ImageAnalysis } from './analyze-face.js';
import { DEFAULT_TRUSTED_IMAGE_LIMITS, checkTrustedImage } from './trusted-image-checks.js';

const good: ImageAnalysis = {
  width: 1000,
  height: 1000,
  faceCount: 1,
  face: {
    box: { x: 300, y: 300, w: 300, h: 400 },
    detectionScore: 0.99,
    landmarks: [],
    landmarksOutside: 0,
    eyeDistancePx: 110,
    embedding: new Float32Array(512),
    liveness: 0.9,
    quality: {
      eyeDistancePx: 110,
      rollDeg: 1,
      yawDeg: -3,
      pitchDeg: 2,
      eyeOpenness: 0.28,
      overexposedShare: 0,
      underexposedShare: 0.01,
      dynamicRange: 190,
      illuminationRatio: 0.9,
      sharpness: 300,
      detectionScore: 0.99,
    },
  },
};

const withQuality = (q: Partial<FaceQuality>): ImageAnalysis => ({
  ...good,
  face: { ...good.face!, quality: { ...good.face!.quality!, ...q } },
});

test('a good portrait passes every check', () => {
  assert.deepEqual(checkTrustedImage(good, DEFAULT_TRUSTED_IMAGE_LIMITS), []);
});

test('no face is the only failure reported when there is no face', () => {
  assert.deepEqual(checkTrustedImage({ ...good, faceCount: 0, face: null }, DEFAULT_TRUSTED_IMAGE_LIMITS).map((f) => f.code), ['NO_FACE']);
});

test('every failed check is listed with its measured value and limit', () => {
  const bad = withQuality({ eyeDistancePx: 71.2, yawDeg: -40, eyeOpenness: 0.02, sharpness: 3, overexposedShare: 0.3 });
  const failures = checkTrustedImage({ ...bad, faceCount: 2 }, DEFAULT_TRUSTED_IMAGE_LIMITS);
  assert.deepEqual(
    failures.map((f) => f.code).sort(),
    ['BLURRY', 'EYES_CLOSED', 'EYE_DISTANCE_TOO_SMALL', 'MULTIPLE_FACES', 'OVEREXPOSED', 'YAW_OUT_OF_RANGE'],
  );
  const eye = failures.find((f) => f.code === 'EYE_DISTANCE_TOO_SMALL')!;
  assert.equal(eye.measured, 71.2);
  assert.equal(eye.limit, 85);
  assert.equal(failures.find((f) => f.code === 'YAW_OUT_OF_RANGE')!.measured, 40);
});

test('limits are the caller\'s, not hard-coded', () => {
  const failures = checkTrustedImage(good, { ...DEFAULT_TRUSTED_IMAGE_LIMITS, minEyeDistancePx: 120 });
  assert.deepEqual(failures.map((f) => f.code), ['EYE_DISTANCE_TOO_SMALL']);
});
