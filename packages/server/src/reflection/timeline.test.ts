import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTimeline, emittedOver, stepCovering } from './timeline.js';

const colors = [
  { rgb: [255, 255, 255] as [number, number, number], ms: 300 },
  { rgb: [0, 0, 255] as [number, number, number], ms: 300 },
  { rgb: [0, 0, 0] as [number, number, number], ms: 300 },
];

test('colours run from their own presentation to the next one, the last for its scheduled time', () => {
  // Presentation drifted: 250 ms then 380 ms instead of 300.
  const tl = buildTimeline(colors, [1000, 1250, 1630]);
  assert.deepEqual(tl.ends, [1250, 1630, 1930]);
  assert.equal(stepCovering(tl, 1240, 1250), 0);
  assert.equal(stepCovering(tl, 1240, 1260), -1);
  assert.equal(stepCovering(tl, 900, 990), -1);
  assert.equal(stepCovering(tl, 1700, 1720), 2);
});

test('an exposure sees the mean of what was on screen, the neutral screen apart', () => {
  const tl = buildTimeline(colors, [1000, 1250, 1630]);
  assert.deepEqual(emittedOver(tl, 1100, 1130), { rgb: [1, 1, 1], neutral: 0 });
  const straddle = emittedOver(tl, 1240, 1260);
  assert.deepEqual(straddle.rgb.map((v) => Number(v.toFixed(6))), [0.5, 0.5, 1]);
  assert.equal(straddle.neutral, 0);
  const before = emittedOver(tl, 980, 1010);
  assert.ok(Math.abs(before.neutral - 2 / 3) < 1e-9);
  assert.ok(Math.abs(before.rgb[0] - 1 / 3) < 1e-9);
  assert.deepEqual(emittedOver(tl, 2000, 2030), { rgb: [0, 0, 0], neutral: 1 });
  assert.throws(() => emittedOver(tl, 5, 5), RangeError);
});

test('display times must match the colours and never go backwards', () => {
  assert.throws(() => buildTimeline(colors, [1, 2]), /2 display times for 3 colours/);
  assert.throws(() => buildTimeline(colors, [1, 3, 2]), /backwards/);
});
