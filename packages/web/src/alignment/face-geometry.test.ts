import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundingBox, eyeAspectRatio, headPose, observeFace } from './face-geometry.js';
import { rotationMatrix, syntheticFace, type SyntheticFace } from '../../test/synthetic-face.js';

const near = (actual: number, expected: number, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} not within ${tolerance} of ${expected}`);
const observe = (spec: SyntheticFace = {}) => {
  const { landmarks, matrix, aspect } = syntheticFace(spec);
  return observeFace(landmarks, matrix, aspect);
};

test('a frontal face looks straight with open eyes', () => {
  const face = observe();
  near(face.yaw, 0);
  near(face.pitch, 0);
  near(face.roll, 0);
  near(face.eyeOpenness, 0.3, 0.01);
});

test('yaw, pitch and roll are read back from the transformation matrix', () => {
  for (const [yaw, pitch, roll] of [
    [10, 0, 0],
    [0, -25, 0],
    [0, 0, 40],
    [15, -10, 5],
  ] as const) {
    const pose = headPose(rotationMatrix(yaw, pitch, roll));
    near(pose.yaw, yaw);
    near(pose.pitch, pitch);
    near(pose.roll, roll);
  }
});

test('the matrix MediaPipe gave for a real face (obama2.jpg) reads as turned ~12°', () => {
  const pose = headPose([0.975, -0.094, 0.201, 0, 0.096, 0.995, -0.002, 0, -0.2, 0.022, 0.98, 0, -2.637, -0.722, -29.725, 1]);
  near(pose.yaw, -11.6, 0.1);
  near(pose.pitch, -0.1, 0.1);
  near(pose.roll, -5.5, 0.1);
});

test('eye openness does not depend on the video aspect ratio', () => {
  for (const aspect of [4 / 3, 16 / 9, 3 / 4]) near(observe({ aspect }).eyeOpenness, 0.3, 0.01);
});

test('closed eyes have a small aspect ratio', () => {
  near(observe({ eyeOpen: 0.05 }).eyeOpenness, 0.05, 0.01);
  assert.equal(eyeAspectRatio(Array.from({ length: 6 }, () => ({ x: 0, y: 0, z: 0 }))), 0);
});

test('the box spans the extreme landmarks', () => {
  const box = boundingBox([
    { x: 0.2, y: 0.3, z: 0 },
    { x: 0.6, y: 0.1, z: 0 },
    { x: 0.4, y: 0.9, z: 0 },
  ]);
  near(box.x, 0.2);
  near(box.y, 0.1);
  near(box.w, 0.4);
  near(box.h, 0.8);
});

test('a truncated mesh is refused rather than misread', () => {
  assert.throws(() => observeFace([{ x: 0, y: 0, z: 0 }], rotationMatrix(0, 0, 0), 1), RangeError);
});
