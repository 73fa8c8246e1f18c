import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameSchedule, capturePlan, captureSize, samplingRate } from './frame-schedule.js';

/** Capture times of a camera at `fps` with ±2 ms jitter, starting at 5000 ms. */
const cameraTimes = (fps: number, count: number) => Array.from({ length: count }, (_, i) => 5000 + (i * 1000) / fps + (i % 2 ? 2 : -2));

function run(plan: Parameters<typeof capturePlan>[0], times: number[]): number[] {
  const schedule = new FrameSchedule(capturePlan(plan));
  return times.filter((t) => schedule.take(t));
}

test('defaults: one second, frames bounded by duration × fps', () => {
  assert.deepEqual(capturePlan({ fps: 15 }), { fps: 15, durationMs: 1000, maxFrames: 16 });
  assert.deepEqual(capturePlan({ fps: 10, durationMs: 500, maxFrames: 3 }), { fps: 10, durationMs: 500, maxFrames: 3 });
});

test('at the camera rate every frame is kept for the duration', () => {
  const kept = run({ fps: 30 }, cameraTimes(30, 60));
  assert.equal(kept.length, 30);
  assert.ok(kept[kept.length - 1]! - kept[0]! < 1000);
});

test('at half the camera rate every other frame is kept', () => {
  const times = cameraTimes(30, 60);
  const kept = run({ fps: 15 }, times);
  assert.equal(kept.length, 15);
  assert.deepEqual(kept.slice(0, 3), [times[0], times[2], times[4]]);
});

test('maxFrames caps the capture', () => {
  assert.equal(run({ fps: 30, maxFrames: 5 }, cameraTimes(30, 60)).length, 5);
});

test('a slow camera gives what it has within the duration', () => {
  assert.equal(run({ fps: 30 }, cameraTimes(15, 40)).length, 15);
});

test('progress and completion', () => {
  const schedule = new FrameSchedule(capturePlan({ fps: 10, durationMs: 1000 }));
  assert.equal(schedule.progress(0), 0);
  schedule.take(100);
  assert.equal(schedule.isComplete(600), false);
  assert.ok(Math.abs(schedule.progress(600) - 0.5) < 1e-9);
  assert.equal(schedule.isComplete(1100), true);
  assert.equal(schedule.take(1100), false);
});

test('capture size scales down to maxWidth and never up', () => {
  assert.deepEqual(captureSize(640, 480, 480), { w: 480, h: 360 });
  assert.deepEqual(captureSize(640, 480, 1280), { w: 640, h: 480 });
  assert.deepEqual(captureSize(1280, 720, 640), { w: 640, h: 360 });
});

test('no thinning when the camera is no faster than asked, even with jittery capture times', () => {
  assert.equal(samplingRate(30, 30), Infinity);
  assert.equal(samplingRate(30, 24), Infinity);
  assert.equal(samplingRate(30, 60), 30);
  // A 30 fps camera whose capture times sometimes come 16–24 ms apart: all kept.
  const times = [0, 33, 57, 100, 133, 149, 200].map((t) => 5000 + t);
  assert.equal(run({ fps: samplingRate(30, 30), maxFrames: 100 }, times).length, times.length);
  assert.ok(run({ fps: 30, maxFrames: 100 }, times).length < times.length);
});
