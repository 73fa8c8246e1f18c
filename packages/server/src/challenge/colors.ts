import { randomInt } from 'node:crypto';
import type { ColorStep } from '@facelight/protocol';
import { linearRgb, relativeLuminance } from '../reflection/srgb.js';

export type Rgb8 = [number, number, number];

export interface ColorSequenceSettings {
  count: number;
  palette: readonly Rgb8[];
  /** Each colour stays on screen for a whole number of milliseconds drawn from this range. */
  stepMs: { min: number; max: number };
}

/**
 * WCAG 2.3.1 general-flash threshold: at most three flashes in any one second,
 * a flash being a pair of opposing changes in relative luminance of at least
 * 10 % of the maximum where the darker state is below 0.80.
 */
export const MAX_FLASHES_PER_SECOND = 3;
const FLASH_DELTA = 0.1;
const FLASH_DARKER_BELOW = 0.8;

/**
 * WCAG's saturated red: linear R / (R + G + B) >= 0.8 with (R - G - B) x 320 > 20.
 * Red flashes provoke seizures at lower rates than others, so no such colour is ever shown.
 */
export function isSaturatedRed(rgb: readonly number[]): boolean {
  const [r, g, b] = linearRgb(rgb);
  return r + g + b > 0 && r / (r + g + b) >= 0.8 && (r - g - b) * 320 > 20;
}

/** Luminance transitions (alternating up and down) that count towards flashes, by the time they happen. */
export function flashTransitions(steps: readonly ColorStep[]): number[] {
  const times: number[] = [];
  if (steps.length === 0) return times;
  let at = 0;
  let dir = 0;
  // Since the last transition: the extreme reached in its direction; before any, the range so far.
  let ref = relativeLuminance(steps[0]!.rgb);
  let lo = ref, hi = ref;
  for (let i = 1; i < steps.length; i++) {
    at += steps[i - 1]!.ms;
    const l = relativeLuminance(steps[i]!.rgb);
    // A slow climb made of small steps counts once it adds up to a full change.
    if (dir === 0) {
      if (l - lo >= FLASH_DELTA && lo < FLASH_DARKER_BELOW) [dir, ref] = [1, l];
      else if (hi - l >= FLASH_DELTA && l < FLASH_DARKER_BELOW) [dir, ref] = [-1, l];
      lo = Math.min(lo, l);
      hi = Math.max(hi, l);
      if (dir !== 0) times.push(at);
    } else if (dir === 1) {
      if (l > ref) ref = l;
      else if (ref - l >= FLASH_DELTA && l < FLASH_DARKER_BELOW) {
        [dir, ref] = [-1, l];
        times.push(at);
      }
    } else if (l < ref) ref = l;
    else if (l - ref >= FLASH_DELTA && ref < FLASH_DARKER_BELOW) {
      [dir, ref] = [1, l];
      times.push(at);
    }
  }
  return times;
}

/** The most general flashes (pairs of opposing transitions) that fall in any one-second window of the sequence. */
export function flashesPerSecond(steps: readonly ColorStep[]): number {
  const times = flashTransitions(steps);
  let most = 0;
  for (let s = 0, e = 0; s < times.length; s++) {
    while (e < times.length && times[e]! < times[s]! + 1000) e++;
    most = Math.max(most, Math.floor((e - s) / 2));
  }
  return most;
}

/**
 * Why a palette cannot be used, or undefined when it can: no saturated red,
 * no repeats, and every channel both lit and dark somewhere, so that the
 * face's response to each channel can be told apart.
 */
export function paletteProblem(palette: readonly Rgb8[]): string | undefined {
  if (palette.length < 4) return 'the palette needs at least 4 colours';
  const red = palette.find(isSaturatedRed);
  if (red) return `[${red.join(',')}] is a saturated red, which WCAG 2.3.1 forbids flashing`;
  if (new Set(palette.map((c) => c.join(','))).size !== palette.length) return 'the palette repeats a colour';
  for (let c = 0; c < 3; c++) {
    const values = palette.map((rgb) => linearRgb(rgb)[c]!);
    if (Math.max(...values) < 0.5 || Math.min(...values) >= 0.5) return 'every channel must be at least half lit in one colour and under half in another';
  }
  return undefined;
}

/**
 * Whether a sequence lets the fit tell the three channels apart: at least
 * four different colours, and each channel lit (>= half) and dark (< half)
 * in at least two steps each.
 */
export function spansChannels(steps: readonly ColorStep[]): boolean {
  if (new Set(steps.map((s) => s.rgb.join(','))).size < 4) return false;
  for (let c = 0; c < 3; c++) {
    const lit = steps.filter((s) => linearRgb(s.rgb)[c]! >= 0.5).length;
    if (lit < 2 || steps.length - lit < 2) return false;
  }
  return true;
}

export type RandomInt = (min: number, max: number) => number;

const ATTEMPTS = 64;

/**
 * A fresh colour sequence from a cryptographic RNG (node:crypto randomInt):
 * colours and durations are both unpredictable. Consecutive colours differ,
 * so every step is a change the face must follow. Each colour is chosen among
 * those that keep the sequence within the flash limit; when none does, the
 * previous colour is held for the longest duration instead, which spreads the
 * transitions out. `random(min, max)` draws an integer in [min, max).
 */
export function drawColorSequence(settings: ColorSequenceSettings, random: RandomInt = randomInt): ColorStep[] {
  const { count, palette, stepMs } = settings;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const steps: ColorStep[] = [];
    let last = -1;
    while (steps.length < count) {
      const ms = random(stepMs.min, stepMs.max + 1);
      let options = safeNext(steps, palette, last);
      const previous = steps[steps.length - 1];
      if (options.length === 0 && previous && previous.ms < stepMs.max) {
        previous.ms = stepMs.max;
        options = safeNext(steps, palette, last);
      }
      if (options.length === 0) break;
      last = options[random(0, options.length)]!;
      steps.push({ rgb: [...palette[last]!], ms });
    }
    if (steps.length === count && spansChannels(steps) && flashesPerSecond(steps) <= MAX_FLASHES_PER_SECOND) return steps;
  }
  throw new Error('no flash-safe colour sequence spanning the channels can be drawn with these settings');
}

function safeNext(steps: readonly ColorStep[], palette: readonly Rgb8[], last: number): number[] {
  const options: number[] = [];
  for (let i = 0; i < palette.length; i++) {
    // The new colour's own duration does not matter yet: only its arrival is a transition.
    if (i !== last && flashesPerSecond([...steps, { rgb: [...palette[i]!], ms: 1 }]) <= MAX_FLASHES_PER_SECOND) options.push(i);
  }
  return options;
}
