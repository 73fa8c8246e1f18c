import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameQuality } from './evidence.js';
import type { FaceObservation, FrameObservation } from './express.js';

const face = (f: Partial<FaceObservation> = {}): FaceObservation => ({
  embedding: new Float32Array(512),
  detectionScore: 0.99,
  sharpness: 100,
  yawDeg: 0,
  pitchDeg: 0,
  rollDeg: 0,
  ...f,
});
const frame = (f: Partial<FaceObservation> = {}, faceCount = 1): FrameObservation => ({ seq: 0, width: 640, height: 480, faceCount, face: face(f) });

test('a sharp, frontal, confident face ranks first', () => {
  const best = frameQuality(frame());
  assert.ok(best > 0.8 && best < 1);
  assert.ok(frameQuality(frame({ sharpness: 10 })) < best);
  assert.ok(frameQuality(frame({ yawDeg: 20 })) < best);
  assert.ok(frameQuality(frame({ pitchDeg: -20 })) < best);
  assert.ok(frameQuality(frame({ detectionScore: 0.75 })) < best);
  assert.equal(frameQuality(frame({ rollDeg: 50 })), 0);
});

test('any frame with exactly one face ranks above a frame without one', () => {
  assert.equal(frameQuality({ seq: 0, width: 640, height: 480, faceCount: 0 }), -1);
  assert.equal(frameQuality(frame({}, 2)), -1);
  assert.ok(frameQuality(frame({ sharpness: 0, yawDeg: 60 })) > -1);
});
