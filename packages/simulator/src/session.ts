/**
 * A Dynamic session's timeline as the browser SDK lives it (DESIGN §3.2 and the
 * challenge contract): a neutral warm-up (capture.warmupMs, else
 * (durationMs − Σms)/2), the colours, a neutral tail, then `done`; frames at
 * the camera's rate; each colour's actual presentation time (each switch late
 * by 0–80 ms on a loaded main thread, on the display's vsync grid, and each
 * colour held for its full ms from then, as the SDK does) sent as a `display`
 * event.
 */
import type { Rgb } from './color.js';
import type { Rng } from './prng.js';

export interface ChallengeColors {
  capture: { fps: number; durationMs?: number; maxFrames?: number; warmupMs?: number; tailMs?: number };
  colors?: { rgb: Rgb | readonly [number, number, number]; ms: number }[];
}

export interface DisplayEvent {
  /** Challenge colour index; -1 when the screen returns to normal after the last colour. */
  index: number;
  /** Page time the colour was first presented (rAF time). */
  t: number;
  rgb: Rgb;
}

export interface SessionPlan {
  /** Page time of the first frame of the capture. */
  startT: number;
  /** Capture times of the frames, in order. */
  frames: number[];
  /** Colour presentations in time order, the last one back to neutral (index -1). */
  displays: DisplayEvent[];
  /** When the client says `done`. */
  doneT: number;
}

export interface PlanOptions {
  /** Page time of the capture start (default: 1.5–4 s after page load, as after alignment). */
  startT?: number;
  /** Colour switches come late by up to this (uniform), DESIGN §6. */
  maxLateMs?: number;
  /** The display's refresh rate: presentations fall on its vsync grid. */
  refreshHz?: number;
  /** Jitter of frame capture times (standard deviation). */
  frameJitterMs?: number;
  /** The camera's frame rate when it differs from the challenge's. */
  cameraFps?: number;
}

export const DEFAULT_DURATION_MS = 4000;

export function planSession(challenge: ChallengeColors, rng: Rng, opts: PlanOptions = {}): SessionPlan {
  const colors = challenge.colors ?? [];
  const total = colors.reduce((s, c) => s + c.ms, 0);
  const { warmupMs, tailMs } = challenge.capture;
  const duration =
    warmupMs !== undefined && tailMs !== undefined
      ? warmupMs + total + tailMs
      : (challenge.capture.durationMs ?? Math.max(DEFAULT_DURATION_MS, total + 1000));
  const startT = opts.startT ?? rng.uniform(1500, 4000);
  const maxLate = opts.maxLateMs ?? 80;
  const vsync = 1000 / (opts.refreshHz ?? 60);
  const fps = opts.cameraFps ?? challenge.capture.fps;
  const jitter = opts.frameJitterMs ?? 1.5;
  const warm = warmupMs ?? Math.max(0, (duration - total) / 2);

  const tail = tailMs ?? Math.max(0, duration - total - warm);
  const displays: DisplayEvent[] = [];
  // Like the SDK's sequencer: each colour stays up for its full ms from when it was actually
  // presented, so a late switch delays the rest of the sequence.
  let due = startT + warm;
  let previous = -Infinity;
  const present = (at: number) => {
    // The next vsync after the (late) animation frame, never before the previous switch plus one refresh.
    const late = at + rng.uniform(0, maxLate);
    const t = Math.max(previous + vsync, Math.ceil(late / vsync) * vsync);
    previous = t;
    return t;
  };
  colors.forEach((c, index) => {
    const t = present(due);
    displays.push({ index, t, rgb: [c.rgb[0], c.rgb[1], c.rgb[2]] });
    due = t + c.ms;
  });
  const end = colors.length > 0 ? present(due) + tail : startT + duration;
  if (colors.length > 0) displays.push({ index: -1, t: previous, rgb: [0, 0, 0] });

  const frames: number[] = [];
  const period = 1000 / fps;
  const maxFrames = challenge.capture.maxFrames ?? Infinity;
  let last = -Infinity;
  for (let k = 0; startT + k * period < end && frames.length < maxFrames; k++) {
    const t = Math.max(last + 1, startT + k * period + jitter * rng.gauss());
    frames.push(t);
    last = t;
  }
  return { startT, frames, displays, doneT: Math.max(end, last) };
}
