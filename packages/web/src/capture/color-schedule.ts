import type { ColorStep } from '@facelight/protocol';

/** Normal screen before and after the colours when the challenge gives no duration. */
export const DEFAULT_MARGIN_MS = 500;

/** The colour sequence of a Dynamic challenge laid out in time, from the start of the capture. */
export interface ColorSchedule {
  readonly colors: readonly ColorStep[];
  /** Normal screen before the first colour: the camera settles and the verifier sees the face unlit. */
  readonly warmupMs: number;
  /** Normal screen after the last colour: the camera's delayed response to it is still captured. */
  readonly tailMs: number;
  /** When each colour starts. */
  readonly starts: readonly number[];
  /** When the last colour ends. */
  readonly flashEndMs: number;
  readonly totalMs: number;
}

/** The challenge's capture timing; the verifier may set warm-up and tail explicitly. */
export interface CaptureTiming {
  durationMs?: number | undefined;
  warmupMs?: number | undefined;
  tailMs?: number | undefined;
}

/**
 * The capture duration covers the colours plus a margin, split evenly into
 * warm-up and tail (the verifier needs unlit frames on both sides), unless
 * the challenge sets them.
 */
export function colorSchedule(colors: readonly ColorStep[], timing: CaptureTiming): ColorSchedule {
  const flashMs = colors.reduce((sum, c) => sum + c.ms, 0);
  const half = timing.durationMs === undefined ? DEFAULT_MARGIN_MS : Math.max(0, timing.durationMs - flashMs) / 2;
  const warmupMs = timing.warmupMs ?? half;
  const tailMs = timing.tailMs ?? half;
  const starts: number[] = [];
  let t = warmupMs;
  for (const color of colors) {
    starts.push(t);
    t += color.ms;
  }
  return { colors, warmupMs, tailMs, starts, flashEndMs: t, totalMs: t + tailMs };
}

/** Index of the colour due on screen `elapsedMs` into the schedule; −1 for the normal screen (warm-up and tail). */
export function colorAt(schedule: ColorSchedule, elapsedMs: number): number {
  if (elapsedMs < schedule.warmupMs || elapsedMs >= schedule.flashEndMs) return -1;
  let i = schedule.starts.length - 1;
  while (schedule.starts[i]! > elapsedMs) i--;
  return i;
}

/**
 * Frame timestamps are coarsened (to 0.1 ms in Chromium without cross-origin isolation), so
 * consecutive intervals read 16.6 then 16.7: without this slack a colour due
 * exactly one frame ahead would wait one more frame, and every colour would
 * run a frame long.
 */
const TIMESTAMP_SLACK_MS = 1;

/** What one animation frame asks of the screen. */
export interface FlashStep {
  /** Committed in the previous frame, so on screen from this frame's time: a colour index, or −1 for the normal screen. */
  presented?: number;
  /** To commit now: a colour index, or −1 for the normal screen. */
  show?: number;
}

/**
 * Drives the colours from animation-frame timestamps. The schedule is only a
 * plan: each colour stays up for its full `ms` counted from when it was
 * actually presented, so a late frame delays the rest of the sequence rather
 * than shortening a colour or skipping one. That keeps the verifier's
 * photosensitivity bound (no more flashes per second than it planned) true of
 * what the screen really showed; the real times go to the verifier.
 */
export class FlashSequencer {
  /** Schedule time `at` corresponds to page time `page`; moved to each presentation. */
  private anchor: { at: number; page: number } | undefined;
  private shown = -1;
  private pending: number | undefined;
  private over = false;
  private lastFrame: number | undefined;
  private frameMs = Infinity;

  constructor(private readonly schedule: ColorSchedule) {}

  /** Call once per animation frame with its timestamp. */
  frame(now: number): FlashStep {
    this.anchor ??= { at: 0, page: now };
    if (this.lastFrame !== undefined) this.frameMs = Math.min(this.frameMs, now - this.lastFrame);
    this.lastFrame = now;
    const step: FlashStep = {};
    if (this.pending !== undefined) {
      const index = this.pending;
      this.pending = undefined;
      this.shown = index;
      this.anchor = { at: index === -1 ? this.schedule.flashEndMs : this.schedule.starts[index]!, page: now };
      this.over = index === -1;
      step.presented = index;
    }
    if (this.over) return step;
    // A change committed now is presented one frame later: look that far ahead so a colour
    // ends on time, not early (the shortest frame interval seen is the safe lead).
    const lead = Number.isFinite(this.frameMs) ? this.frameMs + TIMESTAMP_SLACK_MS : 0;
    if (colorAt(this.schedule, this.elapsed(now + lead)) !== this.shown) {
      // One step at a time: after a long stall the next colour is shown, not the one the clock says.
      const next = this.shown + 1;
      this.pending = next < this.schedule.colors.length ? next : -1;
      step.show = this.pending;
    }
    return step;
  }

  /** The colours are over and the normal screen is back. */
  get flashOver(): boolean {
    return this.over;
  }

  /** Schedule time at page time `t`, following the actual presentations. */
  private elapsed(t: number): number {
    return this.anchor ? this.anchor.at + (t - this.anchor.page) : 0;
  }

  /** Whether a camera frame captured at `t` is past the tail. */
  isComplete(t: number): boolean {
    return this.over && this.elapsed(t) >= this.schedule.totalMs;
  }

  /** Share of the capture done at `t`, 0–1. */
  progress(t: number): number {
    return Math.min(1, Math.max(0, this.elapsed(t) / this.schedule.totalMs));
  }
}
