import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameRate, isFrameRateTooLow } from './frame-rate.js';

const ticks = (fps: number, seconds: number, everyNth = 1) =>
  Array.from({ length: Math.round(fps * seconds) + 1 }, (_, i) => ({ now: 100 + (i * 1000) / fps, presentedFrames: 7 + i })).filter(
    (_, i, all) => i % everyNth === 0 || i === all.length - 1,
  );

test('frame rate from presented frames over elapsed time', () => {
  assert.ok(Math.abs(frameRate(ticks(30, 1)) - 30) < 1e-9);
  assert.ok(Math.abs(frameRate(ticks(15, 1)) - 15) < 1e-9);
});

test('missed callbacks on a busy main thread do not lower the rate', () => {
  assert.ok(Math.abs(frameRate(ticks(30, 1, 5)) - 30) < 1e-9);
});

test('too few ticks give zero', () => {
  assert.equal(frameRate([]), 0);
  assert.equal(frameRate([{ now: 1, presentedFrames: 1 }]), 0);
});

test('the floor is 15 fps, with a little slack for jitter', () => {
  assert.equal(isFrameRateTooLow(30), false);
  assert.equal(isFrameRateTooLow(14.8), false);
  assert.equal(isFrameRateTooLow(12), true);
  assert.equal(isFrameRateTooLow(0), true);
});
