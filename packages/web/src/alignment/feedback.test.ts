import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Oval } from '@facelight/protocol';
import { observeFace, type FaceObservation } from './face-geometry.js';
import { FEEDBACK_LIMITS, faceSpeed, feedbackFor, recordMotion, type MotionSample } from './feedback.js';
import type { FrameStats } from './frame-stats.js';
import { syntheticFace, type SyntheticFace } from '../../test/synthetic-face.js';

// 256×336 px in a 640×480 video: a face-shaped oval.
const oval: Oval = { cx: 0.5, cy: 0.5, w: 0.4, h: 0.7 };
const good: FrameStats = { meanLuma: 120, saturatedFraction: 0.01, sharpness: 0.3 };
const face = (spec: SyntheticFace = {}): FaceObservation => {
  const { landmarks, matrix, aspect } = syntheticFace(spec);
  return observeFace(landmarks, matrix, aspect);
};
const still = (f: FaceObservation): MotionSample[] => [
  { t: 0, box: f.box },
  { t: 400, box: f.box },
];
const code = (faces: FaceObservation[], frame: FrameStats | undefined = good, history?: MotionSample[]) =>
  feedbackFor(faces, oval, frame, history ?? (faces[0] ? still(faces[0]) : []));

test('a well-placed, still, frontal face is aligned', () => {
  assert.equal(code([face()]), 'ALIGNED');
});

test('no face, or several', () => {
  assert.equal(code([]), 'FACE_NOT_FOUND');
  assert.equal(code([face({ cx: 0.3 }), face({ cx: 0.7 })]), 'MULTIPLE_FACES');
});

test('distance from the face size relative to the oval', () => {
  assert.equal(code([face({ width: 0.15 })]), 'TOO_FAR');
  assert.equal(code([face({ width: 0.45 })]), 'TOO_CLOSE');
  assert.equal(code([face({ width: oval.w * (FEEDBACK_LIMITS.minFill + 0.02) })]), 'ALIGNED');
  assert.equal(code([face({ width: oval.w * (FEEDBACK_LIMITS.maxFill - 0.02) })]), 'ALIGNED');
});

test('off centre in either axis', () => {
  assert.equal(code([face({ cx: 0.6 })]), 'OFF_CENTER');
  assert.equal(code([face({ cy: 0.35 })]), 'OFF_CENTER');
  assert.equal(code([face({ cx: 0.53, cy: 0.46 })]), 'ALIGNED');
});

test('a small face far off centre is first asked to centre', () => {
  assert.equal(code([face({ width: 0.15, cx: 0.75 })]), 'OFF_CENTER');
});

test('a turned or tilted head must look straight', () => {
  assert.equal(code([face({ yaw: 30 })]), 'LOOK_STRAIGHT');
  assert.equal(code([face({ pitch: -28 })]), 'LOOK_STRAIGHT');
  assert.equal(code([face({ roll: 20 })]), 'LOOK_STRAIGHT');
  assert.equal(code([face({ yaw: 10, pitch: 8, roll: 5 })]), 'ALIGNED');
});

test('closed eyes', () => {
  assert.equal(code([face({ eyeOpen: 0.06 })]), 'EYES_CLOSED');
});

test('exposure of the face region', () => {
  assert.equal(code([face()], { ...good, meanLuma: 30 }), 'TOO_DARK');
  assert.equal(code([face()], { ...good, meanLuma: 230 }), 'TOO_BRIGHT');
  assert.equal(code([face()], { ...good, saturatedFraction: 0.4 }), 'TOO_BRIGHT');
});

test('blur, unless there are no statistics to judge by', () => {
  assert.equal(code([face()], { ...good, sharpness: 0.02 }), 'BLURRY');
  assert.equal(code([face()], undefined), 'ALIGNED');
});

test('a moving face is asked to hold still, before blur is blamed', () => {
  const moving: MotionSample[] = [
    { t: 0, box: face({ cx: 0.46 }).box },
    { t: 400, box: face({ cx: 0.5 }).box },
  ];
  assert.equal(code([face()], { ...good, sharpness: 0.02 }, moving), 'HOLD_STILL');
});

test('framing problems outrank everything else', () => {
  assert.equal(code([face({ width: 0.5, yaw: 40, eyeOpen: 0 })], { ...good, meanLuma: 10 }), 'TOO_CLOSE');
});

test('face speed is measured in face widths per second', () => {
  const a = { x: 0.4, y: 0.4, w: 0.2, h: 0.3 };
  assert.equal(faceSpeed([]), 0);
  assert.equal(faceSpeed([{ t: 0, box: a }]), 0);
  const speed = faceSpeed([
    { t: 0, box: a },
    { t: 500, box: { ...a, x: 0.42 } },
  ]);
  assert.ok(Math.abs(speed - 0.2) < 1e-9);
  const zoom = faceSpeed([
    { t: 0, box: a },
    { t: 1000, box: { ...a, w: 0.25 } },
  ]);
  assert.ok(Math.abs(zoom - 0.2) < 1e-9, 'moving closer counts as movement');
});

test('the motion history keeps only the recent window', () => {
  const box = { x: 0, y: 0, w: 0.2, h: 0.2 };
  let history: MotionSample[] = [];
  for (const t of [0, 200, 400, 600, 800]) history = recordMotion(history, { t, box });
  assert.deepEqual(
    history.map((s) => s.t),
    [200, 400, 600, 800],
  );
});
