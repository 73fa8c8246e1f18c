import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REGIONS_ONLY, STREAM_NEEDS } from '../analysis/analyze-face.js';
import { DisplayLog } from './displays.js';
import { DETECT_EVERY, DynamicPlan } from './dynamic-plan.js';
import { refusal } from './test-support.js';

const refuse = (fn: () => void) => refusal(fn, 'the report');

const colors = [0, 1, 2].map(() => ({ rgb: [255, 255, 255] as [number, number, number], ms: 300 }));
const clock = { minLagMs: 50, firstT: 500 };


test('reports come once per colour, in order, never dated backwards', () => {
  const log = new DisplayLog(colors);
  assert.equal(refuse(() => log.accept(1, 1000, 1050, clock)), 'DISPLAY_OUT_OF_ORDER');
  log.accept(0, 1000, 1050, clock);
  assert.equal(refuse(() => log.accept(0, 1000, 1050, clock)), 'DISPLAY_OUT_OF_ORDER');
  assert.equal(refuse(() => log.accept(1, 999, 1050, clock)), 'DISPLAY_OUT_OF_ORDER');
  log.accept(1, 1000, 1100, clock); // the same vsync is possible on a stalled page
  log.accept(2, 1300, 1400, clock);
  assert.ok(log.complete);
  assert.equal(refuse(() => log.accept(3, 1600, 1700, clock)), 'DISPLAY_OUT_OF_ORDER');
  assert.deepEqual(log.times, [1000, 1000, 1300]);
});

test('report times must fit the frames: not after they arrived, not long before, not before the capture began', () => {
  // The fastest frame arrived 50 ms after its capture time; a report 400 ms "early" is dated in the future,
  // while one 250 ms early is what a phone's camera pipeline (frames dated at capture, sent once delivered) gives.
  assert.equal(refuse(() => new DisplayLog(colors).accept(0, 1000, 650, clock)), 'DISPLAY_TIME_IMPLAUSIBLE');
  new DisplayLog(colors).accept(0, 1000, 800, clock);
  assert.equal(refuse(() => new DisplayLog(colors).accept(0, 1000, 7000, clock)), 'DISPLAY_TIME_IMPLAUSIBLE');
  assert.equal(refuse(() => new DisplayLog(colors).accept(0, 400, 460, clock)), 'DISPLAY_TIME_IMPLAUSIBLE');
  // Reports before any frame are checked once the frames are in.
  const early = new DisplayLog(colors);
  early.accept(0, 1000, 1020, undefined);
  assert.equal(refuse(() => early.checkAll({ minLagMs: 400, firstT: 500 })), 'DISPLAY_TIME_IMPLAUSIBLE');
  early.checkAll({ minLagMs: 40, firstT: 500 });
});

test('the Dynamic plan: light analysis on a tracked face except one frame in heavyEvery; evidence only outside the colours', () => {
  const log = new DisplayLog(colors);
  const plan = new DynamicPlan(colors, log, { heavyEvery: 15, maxDelayMs: 350 });
  const header = (t: number) => ({ type: 'frame' as const, nonce: 'n', seq: 0, t, w: 640, h: 480 });
  // Warm-up, before any report: one frame in DETECT_EVERY in full, the anti-spoof crop from every one.
  assert.equal(plan.needs(header(600), 0).embedding, undefined);
  assert.deepEqual({ ...plan.needs(header(600), 0), regions: false }, { ...STREAM_NEEDS, regions: false });
  assert.deepEqual(plan.needs(header(633), 1), { ...REGIONS_ONLY, livenessCrop: true });
  assert.equal(plan.needs(header(600), DETECT_EVERY).embedding, undefined);
  assert.ok(plan.roomLit(600));
  // The detector runs on one frame in DETECT_EVERY; the others follow it.
  assert.deepEqual([0, 1, DETECT_EVERY - 1, DETECT_EVERY, DETECT_EVERY + 1].map((i) => plan.tracks(i)), [false, true, true, false, true]);
  log.accept(0, 1000, 1050, clock);
  assert.deepEqual(plan.needs(header(1100), 12), REGIONS_ONLY);
  assert.deepEqual(plan.needs(header(1100), 20), REGIONS_ONLY);
  assert.equal(plan.needs(header(1100), 15).embedding, undefined);
  assert.equal(plan.needs(header(1100), 15).regions, true);
  assert.ok(!plan.roomLit(1100) && plan.roomLit(990));
  log.accept(1, 1300, 1350, clock);
  log.accept(2, 1600, 1650, clock);
  // The last colour ends at 1900 (+ half again for drift) and the face may lag it by 350 ms.
  assert.ok(plan.lit(2399) && !plan.lit(2400));
});
