import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decideExpress, DEFAULT_EXPRESS_DECISION, type FaceObservation, type FrameObservation } from './express.js';

const limits = { ...DEFAULT_EXPRESS_DECISION, faceMatchThreshold: 0.4 };

/** A deterministic pseudo-random unit vector: one "identity". */
function identity(seed: number): Float32Array {
  let x = seed * 9301 + 49297;
  const v = Float32Array.from({ length: 512 }, () => {
    x = (x * 9301 + 49297) % 233280;
    return x / 233280 - 0.5;
  });
  const n = Math.hypot(...v);
  return v.map((e) => e / n);
}

/** The same identity seen through a little noise (a share of its length), as consecutive frames are. */
function near(base: Float32Array, seed: number, noise = 0.1): Float32Array {
  const jitter = identity(seed + 1000);
  return base.map((e, i) => e + noise * jitter[i]!);
}

const OBAMA = identity(1);
const BIDEN = identity(2);

function frame(seq: number, face: Partial<FaceObservation> | null, faceCount = face ? 1 : 0): FrameObservation {
  const base = { seq, width: 640, height: 480, faceCount };
  if (!face) return base;
  return {
    ...base,
    face: { embedding: near(OBAMA, seq), detectionScore: 0.99, sharpness: 100, yawDeg: 2, pitchDeg: 1, rollDeg: 0, ...face },
  };
}

/** The decision's input; the passive score is the session's, measured apart from the frames (stream/passive-liveness.ts). */
const input = (observations: FrameObservation[], trusted?: Float32Array, liveness = 0.99) => ({ observations, liveness, ...(trusted ? { trusted } : {}) });

const live = (n: number, face: Partial<FaceObservation> = {}) => Array.from({ length: n }, (_, i) => frame(i, face));

describe('Express decision', () => {
  test('one live face matching the trusted image: SUCCESS with FACE_MATCHED and both scores', () => {
    const d = decideExpress(input(live(15), near(OBAMA, 99)), limits);
    assert.equal(d.status, 'SUCCESS');
    assert.deepEqual(d.reasons, ['FACE_MATCHED']);
    assert.ok(d.scores.faceMatch! > 0.9);
    assert.ok(d.scores.liveness > 0.98);
    assert.equal(d.retry, undefined);
  });

  test('without a trusted image: LIVENESS_ONLY and no face-match score', () => {
    const d = decideExpress(input(live(15), undefined), limits);
    assert.equal(d.status, 'SUCCESS');
    assert.deepEqual(d.reasons, ['LIVENESS_ONLY']);
    assert.equal('faceMatch' in d.scores, false);
  });

  test('another person than the trusted image: FACE_MISMATCH, no retry hint', () => {
    const d = decideExpress(input(live(15), BIDEN), limits);
    assert.equal(d.status, 'FAILURE');
    assert.deepEqual(d.reasons, ['FACE_MISMATCH']);
    assert.ok(d.scores.faceMatch! < 0.2);
    assert.equal(d.retry, undefined);
  });

  test('too few frames: TOO_FEW_FRAMES, retryable', () => {
    const d = decideExpress(input(live(limits.minFrames - 1), near(OBAMA, 99)), limits);
    assert.deepEqual(d.reasons, ['TOO_FEW_FRAMES']);
    assert.equal(d.retry, 'TOO_FEW_FRAMES');
    assert.deepEqual(decideExpress(input([], undefined), limits).reasons, ['TOO_FEW_FRAMES']);
  });

  test('too few frames with a face: NO_FACE, retryable', () => {
    const frames = [...live(8), ...Array.from({ length: 7 }, (_, i) => frame(8 + i, null))];
    const d = decideExpress(input(frames, undefined), limits);
    assert.equal(d.status, 'FAILURE');
    assert.deepEqual(d.reasons, ['NO_FACE']);
    assert.equal(d.retry, 'NO_FACE');
    // 60 % with a face is enough.
    assert.equal(decideExpress(input([...live(9), ...Array.from({ length: 6 }, (_, i) => frame(9 + i, null))], undefined), limits).status, 'SUCCESS');
  });

  test('a second face in a fifth of the frames: MULTIPLE_FACES, retryable, ahead of NO_FACE', () => {
    const frames = live(15).map((f, i) => (i < 3 ? { ...f, faceCount: 2 } : f));
    assert.deepEqual(decideExpress(input(frames, undefined), limits).reasons, ['MULTIPLE_FACES']);
    assert.equal(decideExpress(input(frames, undefined), limits).retry, 'MULTIPLE_FACES');
    const allDouble = live(15).map((f) => ({ ...f, faceCount: 2 }));
    assert.deepEqual(decideExpress(input(allDouble, undefined), limits).reasons, ['MULTIPLE_FACES']);
    // Two frames of 15 are a glitch, not a second person.
    const glitch = live(15).map((f, i) => (i < 2 ? { ...f, faceCount: 2 } : f));
    assert.equal(decideExpress(input(glitch, undefined), limits).status, 'SUCCESS');
  });

  test('half the frames of another person: IDENTITY_CHANGED even though the mean sits between them', () => {
    const frames = live(15).map((f, i) => (i >= 8 ? frame(i, { embedding: near(BIDEN, i) }) : f));
    const d = decideExpress(input(frames, undefined), limits);
    assert.equal(d.status, 'FAILURE');
    assert.deepEqual(d.reasons, ['IDENTITY_CHANGED', 'LIVENESS_ONLY']);
    assert.equal(d.retry, undefined);
    const one = live(15).map((f, i) => (i === 7 ? frame(i, { embedding: near(BIDEN, i) }) : f));
    assert.deepEqual(decideExpress(input(one, undefined), limits).reasons, ['IDENTITY_CHANGED', 'LIVENESS_ONLY']);
  });

  test('a passive score below the threshold: SPOOF_DETECTED, no retry hint; at the threshold it passes', () => {
    const spoof = decideExpress(input(live(15), near(OBAMA, 99), 0.2), limits);
    assert.equal(spoof.status, 'FAILURE');
    assert.deepEqual(spoof.reasons, ['SPOOF_DETECTED', 'FACE_MATCHED']);
    assert.equal(spoof.scores.liveness, 0.2);
    assert.equal(spoof.retry, undefined);
    assert.equal(decideExpress(input(live(15), undefined, limits.livenessThreshold), limits).status, 'SUCCESS');
  });

  test('every failure is listed, failures before the match outcome', () => {
    const frames = live(15).map((f, i) => (i >= 8 ? frame(i, { embedding: near(BIDEN, i) }) : f));
    assert.deepEqual(decideExpress(input(frames, identity(3), 0.1), limits).reasons, ['IDENTITY_CHANGED', 'SPOOF_DETECTED', 'FACE_MISMATCH']);
  });

  test('the face match averages the best frames only', () => {
    // Three sharp frontal frames of the trusted person; the rest, blurred and turned, of someone else.
    const frames = live(15).map((f, i) => (i < 3 ? f : frame(i, { embedding: near(BIDEN, i), sharpness: 5, yawDeg: 30 })));
    const d = decideExpress(input(frames, near(OBAMA, 99)), { ...limits, identityThreshold: -1 });
    assert.deepEqual(d.reasons, ['FACE_MATCHED']);
    assert.ok(d.scores.faceMatch! > 0.95);
  });
});
