/**
 * A small physical model of a Dynamic session for tests: when the colours
 * really showed and when frames were captured, and what a face (or an attack)
 * reflects. Per pixel (or per region):
 *   frame = exposure(t) · wb(t) ⊙ albedo ⊙ (ambient + screenGain · falloff · screen(t − delay)) + noise
 * with the albedo under ambient light taken from a real portrait and the
 * falloff following the face's shape (~1 at the centre, less at the sides,
 * ~0.05 on a far background).
 */
import type { ColorStep } from '@facelight/protocol';
import type { ReflectionFrame } from './verify.js';
import type { RegionMeans } from './regions.js';
import { linearRgb, type Rgb } from './srgb.js';

export type Attack = 'replay' | 'photo' | 'shuffled' | 'late' | 'tint' | 'flat' | 'flicker';

export interface Scenario {
  /** Undefined: a genuine face. */
  attack?: Attack;
  /** Face-centre response to a full-scale colour, linear levels averaged over channels. */
  gainLevels: number;
  delayMs: number;
  seed: number;
}

export const GENUINE_WEAK: Scenario = { gainLevels: 7, delayMs: 120, seed: 1 };
export const GENUINE_STRONG: Scenario = { gainLevels: 50, delayMs: 90, seed: 2 };
export const LATE_DELAY_MS = 600;

/** Deterministic uniform [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const gaussian = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

export interface Timing {
  /** What the client reports: the vsync on which each colour first showed. */
  displayTimes: number[];
  /** When the last colour really gave way to the neutral screen. */
  end: number;
  frameTimes: number[];
}

const VSYNC_MS = 1000 / 60;

/**
 * A loaded page: each colour shows on a 60 Hz vsync, for its scheduled time
 * ± 25 % (DESIGN §6 measured 216–383 ms for 300). Frames at the camera's rate
 * with a little jitter, from the warm-up to the end of the tail.
 */
export function simulateTiming(colors: readonly ColorStep[], rand: () => number, opts: { fps?: number; warmupMs?: number; tailMs?: number; origin?: number } = {}): Timing {
  const { fps = 30, warmupMs = 500, tailMs = 500, origin = 10_000 + rand() * 1000 } = opts;
  const displayTimes: number[] = [];
  let t = origin + warmupMs;
  for (const c of colors) {
    const shown = Math.ceil(t / VSYNC_MS) * VSYNC_MS;
    displayTimes.push(shown);
    t = shown + c.ms * (0.75 + 0.5 * rand());
  }
  const end = Math.ceil(t / VSYNC_MS) * VSYNC_MS;
  const frameTimes: number[] = [];
  for (let f = origin; f < end + tailMs; f += 1000 / fps) frameTimes.push(f + (rand() - 0.5) * 3);
  return { displayTimes, end, frameTimes };
}

/** The page's own screen before and after the colours: a light UI. */
export const NEUTRAL_SCREEN: Rgb = linearRgb([235, 235, 235]);

/**
 * The screen's mean linear emission over [a, b] as the face sees it. The
 * shuffled attack answers the same presentation times with the colours in
 * another order (a fixed derangement, as a guess would be).
 */
export function screenLight(colors: readonly ColorStep[], timing: Timing, attack: Attack | undefined): (a: number, b: number) => Rgb {
  const order = attack === 'shuffled' ? shuffledOrder(colors) : colors.map((_, i) => i);
  const lin = order.map((i) => linearRgb(colors[i]!.rgb));
  const starts = [...timing.displayTimes, timing.end];
  return (a, b) => {
    const out: Rgb = [0, 0, 0];
    const n = 8;
    for (let k = 0; k < n; k++) {
      const x = a + ((k + 0.5) * (b - a)) / n;
      let e = NEUTRAL_SCREEN;
      for (let i = 0; i < lin.length; i++) if (x >= starts[i]! && x < starts[i + 1]!) e = lin[i]!;
      for (let c = 0; c < 3; c++) out[c]! += e[c]! / n;
    }
    return out;
  };
}

/** Each colour answered by the one two places on, unless that is the same colour (then three, ...). */
function shuffledOrder(colors: readonly ColorStep[]): number[] {
  const n = colors.length;
  return colors.map((c, i) => {
    for (let k = 2; k < n; k++) {
      const j = (i + k) % n;
      if (colors[j]!.rgb.join() !== c.rgb.join()) return j;
    }
    return i;
  });
}

/** What the camera adds to a face lit only by ambient light: slow auto-exposure and white-balance wandering. */
export function cameraDrift(rand: () => number): (t: number) => Rgb {
  const ae = (rand() - 0.5) * 0.02, phase = rand() * 2 * Math.PI;
  const wb = [0, 1, 2].map(() => (rand() - 0.5) * 0.01);
  return (t) => {
    const s = t / 1000;
    const exposure = 1 + ae * s + 0.003 * Math.sin(phase + s * Math.PI);
    return wb.map((w) => exposure * (1 + w! * s)) as Rgb;
  };
}

/**
 * Screen response of one point with ambient-lit colour `albedo` (linear
 * levels) and falloff `f`, for screen light `s`: the scene as the attack
 * presents it. `k` scales the screen to give `gainLevels` at the face centre.
 */
export function respond(attack: Attack | undefined, albedo: Rgb, f: number, s: Rgb, k: number, gainLevels: number): Rgb {
  switch (attack) {
    case 'replay':
    case 'photo':
      return albedo;
    case 'tint':
      // An injected video under a colour filter: every pixel gains the same, face or not.
      return albedo.map((a, c) => a + gainLevels * s[c]!) as Rgb;
    case 'flat':
      // A photo or tablet held to the screen: lit evenly, face and surroundings alike.
      return albedo.map((a, c) => a * (1 + k * s[c]!)) as Rgb;
    case 'flicker': {
      const lum = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2];
      return albedo.map((a) => a * (1 + k * f * lum)) as Rgb;
    }
    default:
      return albedo.map((a, c) => a * (1 + k * f * s[c]!)) as Rgb;
  }
}

/** Region colours under ambient light (linear levels) and falloffs of a frontal face 40 cm from the screen. */
export const REGION_MODEL: Record<keyof RegionMeans, { albedo: Rgb; falloff: number }> = {
  forehead: { albedo: [118, 76, 56], falloff: 0.9 },
  nose: { albedo: [124, 80, 58], falloff: 1 },
  rightCheek: { albedo: [112, 70, 52], falloff: 0.66 },
  leftCheek: { albedo: [108, 68, 50], falloff: 0.64 },
  background: { albedo: [46, 50, 58], falloff: 0.05 },
};

/** Screen-to-albedo scale that gives `gainLevels` at the face centre (nose), averaged over channels. */
export const screenScale = (centre: Rgb, gainLevels: number) => gainLevels / ((centre[0] + centre[1] + centre[2]) / 3);

/** Per-frame region means straight from the model (no pixels): for the pure reflection modules. */
export function simulateRegions(scenario: Scenario, colors: readonly ColorStep[], opts: { noiseLevels?: number } = {}): { frames: ReflectionFrame[]; displayTimes: number[] } {
  const rand = seeded(scenario.seed);
  const timing = simulateTiming(colors, rand);
  const light = screenLight(colors, timing, scenario.attack);
  const drift = cameraDrift(rand);
  const delay = scenario.attack === 'late' ? LATE_DELAY_MS : scenario.delayMs;
  const k = screenScale(REGION_MODEL.nose.albedo, scenario.gainLevels);
  const noise = opts.noiseLevels ?? 0.3;
  const still = scenario.attack === 'photo';
  const frames = timing.frameTimes.map((t) => {
    const s = light(t - delay - 30, t - delay);
    const d = still ? ([1, 1, 1] as Rgb) : drift(t - timing.frameTimes[0]!);
    const region = (name: keyof RegionMeans): Rgb => {
      const m = REGION_MODEL[name];
      return respond(scenario.attack, m.albedo, m.falloff, s, k, scenario.gainLevels).map((v, c) => v * d[c]! + noise * gaussian(rand)) as Rgb;
    };
    return {
      t,
      regions: { forehead: region('forehead'), nose: region('nose'), rightCheek: region('rightCheek'), leftCheek: region('leftCheek'), background: region('background') },
    };
  });
  return { frames, displayTimes: timing.displayTimes };
}
