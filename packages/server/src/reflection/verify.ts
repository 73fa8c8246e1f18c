import type { ColorStep, SessionResult } from '@facelight/protocol';
import { bestFit, exposureOf, fitAtDelay, scanDelays, stepGains, stepResponses, type DelayFit, type Sample, type StepGains, type StepResponse } from './fit.js';
import { decideReflection, type ReflectionLimits, type ReflectionMetrics, type ReflectionVerdict } from './decide.js';
import { SKIN_REGIONS, type RegionMeans, type SkinRegion } from './regions.js';
import { linearToSrgb, type Rgb } from './srgb.js';
import { buildTimeline, emittedOver, type Timeline } from './timeline.js';

/** One analysed frame of a Dynamic session: capture time on the page clock and its region means. */
export interface ReflectionFrame {
  t: number;
  regions: RegionMeans;
}

export interface ReflectionInput {
  frames: readonly ReflectionFrame[];
  colors: readonly ColorStep[];
  /** When each colour was first presented (the client's `display` reports, page clock). */
  displayTimes: readonly number[];
}

export type ReflectionSummary = NonNullable<SessionResult['reflection']>;

export interface ReflectionOutcome extends ReflectionVerdict {
  metrics: ReflectionMetrics | null;
  summary: ReflectionSummary | null;
}

const SCAN_STEP_MS = 10;
/** Colours with frames needed to fit a response per channel at all. */
const MIN_STEPS = 5;
/** Points of the plotting timeline at most. */
const TIMELINE_POINTS = 150;
/** A colour-channel change is confidently predicted when it exceeds this many step-noise sigmas, and a quarter of full scale. */
const CONFIDENT_SIGMAS = 3;
const MIN_EMITTED_CHANGE = 0.25;
/** Fewer confident changes than this leave the direction check undecided. */
const MIN_CONFIDENT_CHANGES = 6;

/**
 * The reflection check of a Dynamic session, from per-frame region means to
 * the verdict: the delay is scanned over the whole window, the face's
 * response fitted at the best physical delay, and the regions compared at
 * that same delay.
 */
export function verifyReflection(input: ReflectionInput, limits: ReflectionLimits): ReflectionOutcome {
  const frames = [...input.frames].sort((a, b) => a.t - b.t);
  const tl = buildTimeline(input.colors, input.displayTimes);
  const face = frames.map((f) => ({ t: f.t, y: skinMean(f.regions) }));
  const exposure = exposureOf(face);
  const fits = face.length > 0 ? scanDelays(face, tl, { fromMs: limits.scanMinDelayMs, toMs: limits.scanMaxDelayMs, stepMs: SCAN_STEP_MS }, exposure) : [];
  const inside = bestFit(fits, limits.minDelayMs, limits.maxDelayMs);
  const steps = inside ? stepResponses(face, tl, inside, exposure) : [];
  if (!inside || steps.length < MIN_STEPS) return tooLittleData();

  const gains = stepGains(steps);
  const sync = synchronisation(fits, face, tl, exposure, limits);
  const overall = bestFit(fits)!;
  const region = (pick: (f: ReflectionFrame) => Rgb | null) => {
    const series = frames.flatMap((f) => {
      const y = pick(f);
      return y ? [{ t: f.t, y }] : [];
    });
    return series.length >= face.length / 2 ? relativeResponseAt(series, tl, inside.delayMs, exposure) : null;
  };
  const skin = Object.fromEntries(SKIN_REGIONS.map((r) => [r, region((f) => f.regions[r])!])) as Record<SkinRegion, number>;
  const background = region((f) => f.regions.background);
  const faceGain = mean(gains.gain);
  const faceRelative = mean(SKIN_REGIONS.map((r) => skin[r]));

  const metrics: ReflectionMetrics = {
    delayMs: inside.delayMs,
    effectLevels: faceGain,
    effectSe: Math.sqrt(gains.se.reduce((a, s) => a + s * s, 0)) / 3,
    variationLevels: sync.variationRms,
    residualLevels: sync.residualRms,
    noiseLevels: sync.noiseRms,
    directionAgreement: directionAgreement(steps, faceGain, gains.noiseRms),
    chromaAgreement: chromaAgreement(steps, gains),
    backgroundRatio: background === null ? null : faceRelative > 0 ? background / faceRelative : Infinity,
    cheekRatio: skin.nose > 0 ? (skin.rightCheek + skin.leftCheek) / 2 / skin.nose : Infinity,
    outside: outsideFit(overall, inside, face, tl, exposure, limits),
  };
  const verdict = decideReflection(metrics, limits);
  const shown = verdict.reasons.includes('IMPLAUSIBLE_DELAY') ? fitAtDelay(face, tl, metrics.outside!.delayMs, exposure) : inside;
  return { ...verdict, metrics, summary: summarise(face, tl, shown, shown === inside ? steps : stepResponses(face, tl, shown, exposure), input.colors, exposure) };
}

function tooLittleData(): ReflectionOutcome {
  const checks = { effect: 0, delay: 1, fit: 1, direction: 1, chroma: 1, background: 1, shape: 1 };
  return { passed: false, reasons: ['REFLECTION_TOO_WEAK'], score: 0, checks, metrics: null, summary: null };
}

/** The face as one region: the mean of the skin regions, each weighted alike so a large forehead does not dominate. */
function skinMean(r: RegionMeans): Rgb {
  return [0, 1, 2].map((c) => SKIN_REGIONS.reduce((a, k) => a + r[k][c]!, 0) / SKIN_REGIONS.length) as Rgb;
}

const mean = (v: readonly number[]) => v.reduce((a, x) => a + x, 0) / v.length;

/**
 * A region's relative response at a fixed delay: its gain over its level
 * under a black screen (ambient light only), each averaged over channels.
 * What the region reflects (skin, a print's ink, a wall) cancels, leaving
 * the share of the screen's light that reaches it: a print held to the
 * screen is as bright on its cheeks as on its nose, whatever shading it
 * shows, while a face turns away from the screen at the sides.
 */
function relativeResponseAt(series: readonly Sample[], tl: Timeline, delayMs: number, exposure: number): number | null {
  const fit = fitAtDelay(series, tl, delayMs, exposure);
  const steps = stepResponses(series, tl, fit, exposure);
  if (steps.length < MIN_STEPS) return null;
  // A floor of one level keeps a pitch-dark region from dividing by noise.
  return mean(stepGains(steps).gain) / Math.max(1, mean(fit.channels.map((c) => c.base)));
}

/**
 * The step statistics at the physical delay where the face's changes line up
 * best with the screen's (most step-to-step variation for the noise within
 * steps), whatever colours they went to: a face that changes exactly when the
 * screen does, but to the wrong colours, is seen there. Colour does not pick
 * this delay, so a shuffled response is measured at its own timing.
 */
function synchronisation(fits: readonly DelayFit[], face: readonly Sample[], tl: Timeline, exposure: number, limits: ReflectionLimits): StepGains {
  let best: StepGains | undefined;
  for (const fit of fits) {
    if (fit.delayMs < limits.minDelayMs || fit.delayMs > limits.maxDelayMs) continue;
    const steps = stepResponses(face, tl, fit, exposure);
    if (steps.length < MIN_STEPS) continue;
    const gains = stepGains(steps);
    if (!best || gains.variationRms * best.noiseRms > best.variationRms * gains.noiseRms) best = gains;
  }
  return best!;
}

function outsideFit(overall: DelayFit, inside: DelayFit, face: readonly Sample[], tl: Timeline, exposure: number, limits: ReflectionLimits): ReflectionMetrics['outside'] {
  if (overall.delayMs >= limits.minDelayMs && overall.delayMs <= limits.maxDelayMs) return null;
  const steps = stepResponses(face, tl, overall, exposure);
  if (steps.length < MIN_STEPS) return null;
  const gains = stepGains(steps);
  return {
    delayMs: overall.delayMs,
    ratio: inside.explained > 0 ? overall.explained / inside.explained : Infinity,
    effectLevels: mean(gains.gain),
    effectSe: Math.sqrt(gains.se.reduce((a, s) => a + s * s, 0)) / 3,
  };
}

/**
 * Per colour and channel, whether the face moved the way the screen did
 * relative to the session's average colour — counted only where the change
 * predicted from the face's mean response clearly exceeds the step noise.
 */
function directionAgreement(steps: readonly StepResponse[], gain: number, noise: number): number | null {
  let agree = 0, confident = 0;
  for (let c = 0; c < 3; c++) {
    const e = mean(steps.map((s) => s.emitted[c]!));
    const r = mean(steps.map((s) => s.response[c]!));
    for (const s of steps) {
      const de = s.emitted[c]! - e;
      if (Math.abs(de) < MIN_EMITTED_CHANGE || Math.abs(gain * de) < CONFIDENT_SIGMAS * noise) continue;
      confident++;
      if (Math.sign(s.response[c]! - r) === Math.sign(de)) agree++;
    }
  }
  return confident >= MIN_CONFIDENT_CHANGES ? agree / confident : null;
}

/**
 * Whether the response's colour follows the screen's once brightness is set
 * aside: the dominant direction of the face's own responses (what a
 * brightness flicker would be entirely) is projected out of both the
 * measured and the predicted responses, and the rest of the measured is
 * regressed on the rest of the predicted. A reflection gives a slope near 1,
 * a flicker near 0.
 */
function chromaAgreement(steps: readonly StepResponse[], gains: StepGains): number | null {
  const centred = (vs: Rgb[]) => {
    const m = [0, 1, 2].map((c) => mean(vs.map((v) => v[c]!)));
    return vs.map((v) => v.map((x, c) => x - m[c]!) as Rgb);
  };
  const measured = centred(steps.map((s) => s.response));
  const predicted = centred(steps.map((s) => s.emitted.map((e, c) => gains.gain[c]! * e) as Rgb));
  const u = dominantDirection(measured);
  const reject = (v: Rgb) => {
    const k = v[0] * u[0] + v[1] * u[1] + v[2] * u[2];
    return v.map((x, c) => x - k * u[c]!) as Rgb;
  };
  let cross = 0, power = 0;
  for (let i = 0; i < steps.length; i++) {
    const m = reject(measured[i]!), p = reject(predicted[i]!);
    cross += m[0] * p[0] + m[1] * p[1] + m[2] * p[2];
    power += p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
  }
  // Too little colour beyond brightness to measure against the step noise.
  if (power / steps.length < (CONFIDENT_SIGMAS * gains.noiseRms) ** 2 || power === 0) return null;
  return cross / power;
}

/** Unit eigenvector of the largest eigenvalue of the vectors' scatter matrix, by power iteration. */
function dominantDirection(vs: readonly Rgb[]): Rgb {
  const s = [0, 1, 2].map((i) => [0, 1, 2].map((j) => vs.reduce((a, v) => a + v[i]! * v[j]!, 0)));
  let u: Rgb = [1, 1, 1];
  for (let k = 0; k < 100; k++) {
    const next = [0, 1, 2].map((i) => s[i]![0]! * u[0] + s[i]![1]! * u[1] + s[i]![2]! * u[2]) as Rgb;
    const n = Math.hypot(...next);
    if (n === 0) return [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)];
    u = next.map((x) => x / n) as Rgb;
  }
  return u;
}

/** Delay, per-colour responses and a plotting timeline (the colour on screen at each frame's time, neutral as mid-grey). */
function summarise(face: readonly Sample[], tl: Timeline, fit: DelayFit, steps: readonly StepResponse[], colors: readonly ColorStep[], exposure: number): ReflectionSummary {
  const r2 = (v: number) => Math.round(v * 100) / 100;
  const every = Math.max(1, Math.ceil(face.length / TIMELINE_POINTS));
  const shown = face.filter((_, i) => i % every === 0);
  const origin = tl.starts[0]!;
  return {
    delayMs: fit.delayMs,
    responses: steps.map((s) => ({ rgb: [...colors[s.index]!.rgb] as Rgb, face: s.response.map(r2) as Rgb })),
    timeline: {
      t: shown.map((s) => Math.round(s.t - origin)),
      emitted: shown.map((s) => {
        const e = emittedOver(tl, s.t - exposure, s.t);
        return e.rgb.map((v) => linearToSrgb(v + e.neutral * NEUTRAL_LINEAR)) as Rgb;
      }),
      face: shown.map((s) => s.y.map((v, c) => r2(v - fit.channels[c]!.base - (fit.channels[c]!.drift * (s.t - fit.t0)) / 1000)) as Rgb),
    },
  };
}

/** sRGB 128 in linear light: how the plot shows the page's own screen, whose colour is unknown. */
const NEUTRAL_LINEAR = 0.2158605;
