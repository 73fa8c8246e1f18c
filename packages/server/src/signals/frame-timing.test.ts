import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessFrameTiming, type FrameArrival } from './frame-timing.js';

/**
 * A camera at 30 fps whose capture starts 500 ms after the challenge (sent at
 * CHALLENGE on the verifier's clock): capture times with a little jitter, and
 * arrivals 40–60 ms after capture; the page clock is 4000 ms behind.
 */
const CHALLENGE = 5000;
function camera(n: number, opts: { jitter?: number; arrival?: (t: number, i: number) => number } = {}): FrameArrival[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 2;
  return Array.from({ length: n }, (_, i) => {
    const t = 1500 + i * 33.33 + (opts.jitter ?? 0.3) * rand();
    return { t, receivedAt: opts.arrival ? opts.arrival(t, i) : 4000 + t + 50 + 10 * rand(), digest: `frame-${i}` };
  });
}

test('a real-time camera passes', () => {
  assert.deepEqual(assessFrameTiming(camera(40), CHALLENGE), []);
});

test('a stalled uplink passes, however the backlog arrives: it only makes frames later', () => {
  // The first two thirds held back by a stall and released at once, the rest in real time.
  assert.deepEqual(assessFrameTiming(camera(45, { arrival: (t, i) => (i < 30 ? 6540 + i / 10 : 4000 + t + 50) }), CHALLENGE), []);
  // The whole capture held back and released in 5 ms.
  assert.deepEqual(assessFrameTiming(camera(45, { arrival: (_t, i) => 4000 + 3100 + i / 10 }), CHALLENGE), []);
});

test('frames that arrived sooner after the challenge than their capture took: FRAME_TIMING_ANOMALY', () => {
  // Injected as fast as the socket goes, right after the challenge.
  const burst = assessFrameTiming(camera(40, { arrival: (_t, i) => CHALLENGE + 20 + i }), CHALLENGE);
  assert.deepEqual(burst.map((f) => f.reason), ['FRAME_TIMING_ANOMALY']);
  assert.match(burst[0]!.detail, /1300 ms of capture had all arrived 59 ms after the challenge/);
  // Or paced, but at 1.5 times real time.
  const fast = assessFrameTiming(camera(40, { arrival: (t) => CHALLENGE + 50 + (t - 1500) / 1.5 }), CHALLENGE);
  assert.deepEqual(fast.map((f) => f.reason), ['FRAME_TIMING_ANOMALY']);
});

test('arithmetic timestamps: FRAME_TIMING_ANOMALY; jitter coarsened to 0.1 ms still passes', () => {
  assert.deepEqual(assessFrameTiming(camera(20, { jitter: 0 }), CHALLENGE).map((f) => f.reason), ['FRAME_TIMING_ANOMALY']);
  const coarse = camera(20).map((f) => ({ ...f, t: Math.round(f.t * 10) / 10 }));
  assert.deepEqual(assessFrameTiming(coarse, CHALLENGE), []);
});

test('byte-identical frames: DUPLICATE_FRAMES, counted', () => {
  const frames = camera(20).map((f, i) => (i % 5 === 4 ? { ...f, digest: 'frame-0' } : f));
  const found = assessFrameTiming(frames, CHALLENGE);
  assert.deepEqual(found.map((f) => f.reason), ['DUPLICATE_FRAMES']);
  assert.match(found[0]!.detail, /^4 of 20/);
});

test('too few frames for timing statistics: only duplicates are judged', () => {
  assert.deepEqual(assessFrameTiming(camera(5, { jitter: 0, arrival: () => 0 }), CHALLENGE), []);
});
