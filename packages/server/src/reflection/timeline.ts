import type { ColorStep } from '@facelight/protocol';
import { linearRgb, type Rgb } from './srgb.js';

/**
 * What the screen emitted and when, from the client's display reports: each
 * colour runs from its own presentation time to the next colour's (the last
 * one for its scheduled duration). Presentation drifts by a third of a step on
 * a loaded page, so the schedule alone would misplace the colours.
 */
export interface Timeline {
  starts: number[];
  ends: number[];
  /** Linear RGB in [0, 1]. */
  colors: Rgb[];
}

export function buildTimeline(steps: readonly ColorStep[], displayTimes: readonly number[]): Timeline {
  if (steps.length === 0 || displayTimes.length !== steps.length) {
    throw new Error(`${displayTimes.length} display times for ${steps.length} colours`);
  }
  for (let i = 1; i < displayTimes.length; i++) {
    if (displayTimes[i]! < displayTimes[i - 1]!) throw new Error('display times go backwards');
  }
  const n = steps.length;
  return {
    starts: [...displayTimes],
    ends: displayTimes.map((t, i) => (i < n - 1 ? displayTimes[i + 1]! : t + steps[i]!.ms)),
    colors: steps.map((s) => linearRgb(s.rgb)),
  };
}

export interface Emitted {
  /** Mean linear RGB over the interval, counting the neutral screen as 0. */
  rgb: Rgb;
  /** Share of the interval when the screen was neutral (before the first colour or after the last). */
  neutral: number;
}

/**
 * The screen's mean emission over [a, b]: a camera frame integrates light
 * over its exposure, so a frame that straddles a change sees a mix.
 */
export function emittedOver(tl: Timeline, a: number, b: number): Emitted {
  const span = b - a;
  if (!(span > 0)) throw new RangeError('an exposure must have a positive length');
  const rgb: Rgb = [0, 0, 0];
  let lit = 0;
  for (let i = 0; i < tl.starts.length; i++) {
    const overlap = Math.min(b, tl.ends[i]!) - Math.max(a, tl.starts[i]!);
    if (overlap <= 0) continue;
    const c = tl.colors[i]!;
    rgb[0] += (c[0] * overlap) / span;
    rgb[1] += (c[1] * overlap) / span;
    rgb[2] += (c[2] * overlap) / span;
    lit += overlap;
  }
  return { rgb, neutral: Math.max(0, 1 - lit / span) };
}

/** The colour whose display covers all of [a, b], or -1 (neutral screen, or a change within the interval). */
export function stepCovering(tl: Timeline, a: number, b: number): number {
  for (let i = 0; i < tl.starts.length; i++) if (tl.starts[i]! <= a && b <= tl.ends[i]!) return i;
  return -1;
}
