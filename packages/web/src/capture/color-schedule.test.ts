import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ColorStep } from '@facelight/protocol';
import { DEFAULT_MARGIN_MS, FlashSequencer, colorAt, colorSchedule } from './color-schedule.js';

const COLORS: ColorStep[] = [
  { rgb: [0, 0, 255], ms: 300 },
  { rgb: [0, 255, 0], ms: 250 },
  { rgb: [255, 255, 255], ms: 400 },
  { rgb: [0, 0, 0], ms: 350 },
];
const FLASH_MS = 1300;

test('the spare duration is split evenly into warm-up and tail', () => {
  const s = colorSchedule(COLORS, { durationMs: 2300 });
  assert.equal(s.warmupMs, 500);
  assert.equal(s.tailMs, 500);
  assert.deepEqual(s.starts, [500, 800, 1050, 1450]);
  assert.equal(s.flashEndMs, 500 + FLASH_MS);
  assert.equal(s.totalMs, 2300);
});

test('no duration: a default margin; a duration shorter than the colours: no margin', () => {
  assert.equal(colorSchedule(COLORS, {}).warmupMs, DEFAULT_MARGIN_MS);
  assert.equal(colorSchedule(COLORS, {}).totalMs, FLASH_MS + 2 * DEFAULT_MARGIN_MS);
  const tight = colorSchedule(COLORS, { durationMs: 1000 });
  assert.equal(tight.warmupMs, 0);
  assert.equal(tight.totalMs, FLASH_MS);
});

test('warm-up and tail set by the challenge win', () => {
  const s = colorSchedule(COLORS, { durationMs: 2300, warmupMs: 300, tailMs: 700 });
  assert.deepEqual([s.warmupMs, s.tailMs, s.starts[0], s.totalMs], [300, 700, 300, 2300]);
  assert.equal(colorSchedule(COLORS, { durationMs: 2300, tailMs: 800 }).warmupMs, 500);
});

test('the colour due at a given time, normal screen outside the colours', () => {
  const s = colorSchedule(COLORS, { durationMs: 2300 });
  const at = (ms: number) => colorAt(s, ms);
  assert.deepEqual([0, 499.9, 500, 799, 800, 1049, 1050, 1449, 1450, 1799, 1800, 5000].map(at), [-1, -1, 0, 0, 1, 1, 2, 2, 3, 3, -1, -1]);
});

/**
 * Plays animation frames through the sequencer as a browser would: `interval`
 * gives each frame's distance from the previous one. Returns each presentation
 * (index and time) in order.
 */
function play(schedule: ReturnType<typeof colorSchedule>, interval: (frame: number) => number, start = 1000) {
  const sequencer = new FlashSequencer(schedule);
  const presented: { index: number; t: number }[] = [];
  let now = start;
  for (let frame = 0; frame < 10_000 && !sequencer.flashOver; frame++) {
    const step = sequencer.frame(now);
    if (step.presented !== undefined) presented.push({ index: step.presented, t: now });
    now += interval(frame);
  }
  return { sequencer, presented };
}

/** On-screen time of each colour: from its presentation to the next one. */
const durations = (presented: { t: number }[]) => presented.slice(1).map((p, i) => p.t - presented[i]!.t);

test('at 60 Hz every colour is shown in order, for its time to within a frame', () => {
  const s = colorSchedule(COLORS, { durationMs: 2300 });
  const { presented } = play(s, () => 1000 / 60);
  assert.deepEqual(presented.map((p) => p.index), [0, 1, 2, 3, -1]);
  assert.ok(Math.abs(presented[0]!.t - 1000 - s.warmupMs) < 1000 / 60 + 1e-6);
  durations(presented).forEach((d, i) => {
    assert.ok(d >= COLORS[i]!.ms - 1, `colour ${i} shown ${d} ms`);
    assert.ok(d < COLORS[i]!.ms + 1000 / 60, `colour ${i} shown ${d} ms`);
  });
});

test('coarsened timestamps (16.6, 16.7, …): colours keep their time, no frame lost per colour', () => {
  const s = colorSchedule(COLORS, { durationMs: 2300 });
  const { presented } = play(s, (f) => (f % 3 === 2 ? 16.6 : 16.7));
  durations(presented).forEach((d, i) => assert.ok(d > COLORS[i]!.ms - 1 && d < COLORS[i]!.ms + 16, `colour ${i} shown ${d} ms`));
  // No drift building up over the sequence.
  const first = presented[0]!.t;
  assert.ok(Math.abs(presented.at(-1)!.t - first - FLASH_MS) < 17);
});

test('a loaded main thread: late frames delay the sequence but never shorten or skip a colour', () => {
  const s = colorSchedule(COLORS, { durationMs: 2300 });
  // Mostly 60 Hz, with frames dropped in bursts (up to 500 ms, longer than a colour).
  const jank = [0, 0, 0, 5, 0, 0, 1, 0, 30, 0, 0, 0, 2, 0, 0, 0, 0, 10, 0, 0];
  const { presented } = play(s, (f) => (1000 / 60) * (1 + jank[f % jank.length]!));
  assert.deepEqual(presented.map((p) => p.index), [0, 1, 2, 3, -1]);
  durations(presented).forEach((d, i) => assert.ok(d >= COLORS[i]!.ms - 1, `colour ${i} shown ${d} ms`));
});

test('the tail is counted from when the normal screen came back', () => {
  const s = colorSchedule(COLORS, { durationMs: 2300 });
  const { sequencer, presented } = play(s, () => 1000 / 60);
  const back = presented.at(-1)!.t;
  assert.equal(sequencer.isComplete(back + s.tailMs - 1), false);
  assert.equal(sequencer.isComplete(back + s.tailMs), true);
  assert.equal(sequencer.progress(back + s.tailMs), 1);
  assert.ok(Math.abs(sequencer.progress(back) - s.flashEndMs / s.totalMs) < 1e-9);
});

test('nothing is complete before the colours are over', () => {
  const sequencer = new FlashSequencer(colorSchedule(COLORS, { durationMs: 2300 }));
  sequencer.frame(0);
  assert.equal(sequencer.isComplete(1e6), false);
  assert.equal(sequencer.progress(-50), 0);
});
