import type { ColorStep } from '@facelight/protocol';
import { StreamError } from './errors.js';

/**
 * A display report may claim a time this much later than the fastest frame's
 * arrival allows (ms). The page clock and the frames' timestamps are one
 * clock, but a frame is dated when the sensor captured it and can only be sent
 * once the camera pipeline has delivered it and it is encoded, while a report
 * leaves as soon as its colour shows: reports arrive that much "earlier". That
 * pipeline takes tens of milliseconds on a desktop webcam and can take over
 * 100 on a phone (not measured here); 300 ms covers it with scheduling noise.
 */
const FUTURE_TOLERANCE_MS = 300;
/**
 * ...and may arrive this much later than a frame captured at the same time
 * would (ms): the frames queued ahead of it on a slow uplink delay it.
 */
const MAX_REPORT_LAG_MS = 5000;

/** How the frames so far relate the page clock to the verifier's. */
export interface FrameClock {
  /** Smallest (receive time - capture time) of any frame: the clock offset plus the fastest delivery. */
  minLagMs: number;
  firstT: number;
}

/**
 * The `display` reports of a Dynamic stream: one per colour, in order, each
 * dated no earlier than the previous one, and at a time the frames make
 * plausible. These times, not the schedule, say when each colour was on screen.
 */
export class DisplayLog {
  readonly times: number[] = [];
  private readonly lags: number[] = [];

  constructor(private readonly colors: readonly ColorStep[]) {}

  get complete(): boolean {
    return this.times.length === this.colors.length;
  }

  /** Refuses a report with a StreamError, or records it. */
  accept(index: number, t: number, receivedAt: number, clock: FrameClock | undefined): void {
    const expected = this.times.length;
    if (index !== expected || index >= this.colors.length) {
      const what = index < expected ? `colour ${index} was already reported` : expected >= this.colors.length ? 'every colour was already reported' : `colour ${expected} comes next`;
      throw new StreamError('DISPLAY_OUT_OF_ORDER', `display ${index}: ${what}`);
    }
    const previous = this.times[expected - 1];
    if (previous !== undefined && t < previous) throw new StreamError('DISPLAY_OUT_OF_ORDER', `display ${index} is dated before display ${index - 1}`);
    this.times.push(t);
    this.lags.push(receivedAt - t);
    if (clock) this.check(clock, expected, expected + 1);
  }

  /** The reports against all the frames, once they are in: frames that arrived after a report refine the clock. */
  checkAll(clock: FrameClock): void {
    this.check(clock, 0, this.times.length);
  }

  private check(clock: FrameClock, from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const lag = this.lags[i]!;
      if (lag < clock.minLagMs - FUTURE_TOLERANCE_MS) {
        throw new StreamError('DISPLAY_TIME_IMPLAUSIBLE', `display ${i} is dated ${Math.round(clock.minLagMs - lag)} ms after it could have been sent`);
      }
      if (lag > clock.minLagMs + MAX_REPORT_LAG_MS) {
        throw new StreamError('DISPLAY_TIME_IMPLAUSIBLE', `display ${i} arrived ${Math.round(lag - clock.minLagMs)} ms after its time`);
      }
      // The capture starts with the warm-up, before any colour shows.
      if (this.times[i]! < clock.firstT) throw new StreamError('DISPLAY_TIME_IMPLAUSIBLE', `display ${i} is dated before the first frame`);
    }
  }
}
