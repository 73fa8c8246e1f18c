import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessFrameTiming, type FrameArrival } from './frame-timing.js';

/** A camera at 30 fps: capture times with a little jitter, arrivals 40–60 ms later. */
function camera(n: number, opts: { jitter?: number; arrival?: (t: number, i: number) => number } = {}): FrameArrival[] {
  let seed = 7;
  const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * 2;
  return Array.from({ length: n }, (_, i) => {
    const t = 1000 + i * 33.33 + (opts.jitter ?? 0.3) * rand();
    return { t, receivedAt: opts.arrival ? opts.arrival(t, i) : 5000 + t + 50 + 10 * rand(), digest: `frame-${i}` };
  });
}

test('a real-time camera passes', () => {
  assert.deepEqual(assessFrameTiming(camera(40)), []);
  // A network stall of a third of the capture, then the backlog at once: still plausible.
  assert.deepEqual(assessFrameTiming(camera(40, { arrival: (t, i) => (i < 13 ? 9000 + 440 : 9000 + t) })), []);
});

test('frames sent faster than they were captured: FRAME_TIMING_ANOMALY', () => {
  const found = assessFrameTiming(camera(40, { arrival: (_t, i) => 9000 + i }));
  assert.deepEqual(found.map((f) => f.reason), ['FRAME_TIMING_ANOMALY']);
  assert.match(found[0]!.detail, /arrived in 39 ms/);
});

test('arithmetic timestamps: FRAME_TIMING_ANOMALY; jitter coarsened to 0.1 ms still passes', () => {
  assert.deepEqual(assessFrameTiming(camera(20, { jitter: 0 })).map((f) => f.reason), ['FRAME_TIMING_ANOMALY']);
  const coarse = camera(20).map((f) => ({ ...f, t: Math.round(f.t * 10) / 10 }));
  assert.deepEqual(assessFrameTiming(coarse), []);
});

test('byte-identical frames: DUPLICATE_FRAMES, counted', () => {
  const frames = camera(20).map((f, i) => (i % 5 === 4 ? { ...f, digest: 'frame-0' } : f));
  const found = assessFrameTiming(frames);
  assert.deepEqual(found.map((f) => f.reason), ['DUPLICATE_FRAMES']);
  assert.match(found[0]!.detail, /^4 of 20/);
});

test('too few frames for timing statistics: only duplicates are judged', () => {
  assert.deepEqual(assessFrameTiming(camera(5, { jitter: 0, arrival: () => 0 })), []);
});
