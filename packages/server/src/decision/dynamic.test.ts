import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawColorSequence } from '../challenge/colors.js';
import { DEFAULT_DYNAMIC_CHALLENGE } from '../config.js';
import { GENUINE_WEAK, seeded, simulateRegions, type Scenario } from '../reflection/test-support.js';
import { DEFAULT_DYNAMIC_DECISION, decideDynamic, type FrameSample } from './dynamic.js';
import type { FrameObservation } from './express.js';

const limits = { ...DEFAULT_DYNAMIC_DECISION, faceMatchThreshold: 0.4 };
const embedding = Float32Array.from({ length: 8 }, (_, i) => (i === 0 ? 1 : 0));
const heavy = (seq: number): FrameObservation => ({
  seq,
  width: 640,
  height: 480,
  faceCount: 1,
  face: { embedding, detectionScore: 0.99, sharpness: 40, yawDeg: 0, pitchDeg: 0, rollDeg: 0 },
});

function session(scenario: Scenario, opts: { liveness?: number; drop?: (i: number) => boolean } = {}) {
  const rand = seeded(scenario.seed);
  const colors = drawColorSequence(DEFAULT_DYNAMIC_CHALLENGE, (min, max) => min + Math.floor(rand() * (max - min)));
  const { frames, displayTimes } = simulateRegions(scenario, colors);
  const samples: FrameSample[] = frames.map((f, seq) => (opts.drop?.(seq) ? { seq, t: f.t, faceCount: 0, regions: null } : { seq, t: f.t, faceCount: 1, regions: f.regions }));
  const observations = samples.filter((s) => s.seq % 5 === 0 && s.faceCount === 1).map((s) => heavy(s.seq));
  return { samples, observations, colors, displayTimes, liveness: opts.liveness ?? 0.95 };
}

test('a genuine session passes with the reflection score and summary; a trusted face is matched', () => {
  const decision = decideDynamic({ ...session(GENUINE_WEAK), trusted: embedding }, limits);
  assert.equal(decision.status, 'SUCCESS');
  assert.deepEqual(decision.reasons, ['FACE_MATCHED']);
  assert.ok(decision.scores.reflection >= 0.5 && decision.scores.faceMatch! > 0.99);
  assert.equal(decision.reflection?.responses.length, 10);
  assert.equal(decision.retry, undefined);
});

test('a spoof that also fails the reflection lists both; the browser gets no hint', () => {
  const decision = decideDynamic(session({ attack: 'replay', gainLevels: 20, delayMs: 100, seed: 4 }, { liveness: 0.1 }), limits);
  assert.deepEqual(decision.reasons, ['REFLECTION_ABSENT', 'SPOOF_DETECTED', 'LIVENESS_ONLY']);
  assert.equal(decision.retry, undefined);
});

test('only user-fixable failures give a retry hint: too weak a reflection, no face', () => {
  const weak = session({ gainLevels: 3, delayMs: 100, seed: 3 });
  // Heavy noise on every region hides a 3-level response.
  const rand = seeded(9);
  for (const s of weak.samples) for (const r of Object.values(s.regions!)) if (r) for (let c = 0; c < 3; c++) r[c] += 12 * (rand() - 0.5);
  const decision = decideDynamic(weak, limits);
  assert.deepEqual(decision.reasons, ['REFLECTION_TOO_WEAK', 'LIVENESS_ONLY']);
  assert.equal(decision.retry, 'REFLECTION_TOO_WEAK');

  const noFace = decideDynamic(session(GENUINE_WEAK, { drop: (i) => i % 2 === 0 }), limits);
  assert.deepEqual(noFace.reasons, ['NO_FACE']);
  assert.equal(noFace.retry, 'NO_FACE');
  assert.equal(noFace.scores.reflection, 0);
});
