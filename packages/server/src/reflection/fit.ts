import { leastSquares, simpleRegression } from './least-squares.js';
import type { Rgb } from './srgb.js';
import { emittedOver, stepCovering, type Timeline } from './timeline.js';

/** One frame's measurement: capture time (page clock, ms) and a region's mean linear RGB (0–255 scale). */
export interface Sample {
  t: number;
  y: Rgb;
}

/**
 * Per channel: y = base + gain x emitted(t - delay) + neutral x [screen neutral]
 * + drift x (t - t0). `gain` is the response to a full-scale colour in linear
 * levels; `neutral` absorbs the page's own screen before and after the
 * colours, whose emission is unknown; `drift` (levels per second) absorbs
 * auto-exposure and white balance wandering during the capture.
 */
export interface ChannelModel {
  base: number;
  gain: number;
  neutral: number;
  drift: number;
}

export interface DelayFit {
  delayMs: number;
  t0: number;
  channels: [ChannelModel, ChannelModel, ChannelModel];
  /** Residual sum of squares over the three channels. */
  rss: number;
  /** What the screen explains: the residual of a base-and-drift model minus `rss`. */
  explained: number;
}

/**
 * How long a frame integrates light, taken as the median frame interval: a
 * camera at 30 fps exposes for at most ~33 ms. Clamped to 10–50 ms.
 */
export function exposureOf(samples: readonly Sample[]): number {
  const gaps = samples.slice(1).map((s, i) => s.t - samples[i]!.t).filter((g) => g > 0).sort((a, b) => a - b);
  const median = gaps[gaps.length >> 1] ?? 33;
  return Math.min(50, Math.max(10, median));
}

const centreOf = (samples: readonly Sample[]) => samples.reduce((s, x) => s + x.t, 0) / samples.length;

/** The per-channel fit with the face lagging the screen by `delayMs`; a frame at t saw [t - delay - exposure, t - delay]. */
export function fitAtDelay(samples: readonly Sample[], tl: Timeline, delayMs: number, exposureMs: number): DelayFit {
  const t0 = centreOf(samples);
  const emitted = samples.map((s) => emittedOver(tl, s.t - delayMs - exposureMs, s.t - delayMs));
  const channels = [0, 1, 2].map((c) => {
    const rows = samples.map((s, i) => [1, emitted[i]!.rgb[c]!, emitted[i]!.neutral, (s.t - t0) / 1000]);
    const [base, gain, neutral, drift] = leastSquares(rows, samples.map((s) => s.y[c]!)) as [number, number, number, number];
    return { base, gain, neutral, drift };
  }) as DelayFit['channels'];
  let rss = 0;
  samples.forEach((s, i) => {
    const e = emitted[i]!;
    for (let c = 0; c < 3; c++) {
      const m = channels[c]!;
      rss += (s.y[c]! - m.base - m.gain * e.rgb[c]! - m.neutral * e.neutral - (m.drift * (s.t - t0)) / 1000) ** 2;
    }
  });
  return { delayMs, t0, channels, rss, explained: baselineRss(samples, t0) - rss };
}

/** Residual of the fit without the screen: what a face that ignores the screen leaves unexplained. */
function baselineRss(samples: readonly Sample[], t0: number): number {
  let rss = 0;
  for (let c = 0; c < 3; c++) {
    const fit = simpleRegression(samples.map((s) => (s.t - t0) / 1000), samples.map((s) => s.y[c]!));
    rss += fit.residuals.reduce((a, r) => a + r * r, 0);
  }
  return rss;
}

/** Fits at every delay from `fromMs` to `toMs` in `stepMs` steps. */
export function scanDelays(
  samples: readonly Sample[],
  tl: Timeline,
  window: { fromMs: number; toMs: number; stepMs: number },
  exposureMs: number,
): DelayFit[] {
  const fits: DelayFit[] = [];
  for (let d = window.fromMs; d <= window.toMs + 1e-9; d += window.stepMs) fits.push(fitAtDelay(samples, tl, d, exposureMs));
  return fits;
}

/** The fit that explains most among those with a delay in [fromMs, toMs]. */
export function bestFit(fits: readonly DelayFit[], fromMs = -Infinity, toMs = Infinity): DelayFit | undefined {
  let best: DelayFit | undefined;
  for (const f of fits) if (f.delayMs >= fromMs && f.delayMs <= toMs && (!best || f.explained > best.explained)) best = f;
  return best;
}

/** The face's mean response while one colour was on screen, relative to the fitted black-screen level and drift. */
export interface StepResponse {
  index: number;
  /** Linear RGB in [0, 1]. */
  emitted: Rgb;
  /** Linear levels. */
  response: Rgb;
  frames: number;
  /** Spread of the frames within the step, per channel (variance, levels²); NaN from a single frame. */
  variance: Rgb;
}

/** Per colour, the frames that saw only that colour (none straddling a change) at the fit's delay. */
export function stepResponses(samples: readonly Sample[], tl: Timeline, fit: DelayFit, exposureMs: number): StepResponse[] {
  const groups = tl.colors.map(() => [] as Rgb[]);
  for (const s of samples) {
    const i = stepCovering(tl, s.t - fit.delayMs - exposureMs, s.t - fit.delayMs);
    if (i < 0) continue;
    const tau = (s.t - fit.t0) / 1000;
    groups[i]!.push(s.y.map((v, c) => v - fit.channels[c]!.base - fit.channels[c]!.drift * tau) as Rgb);
  }
  return groups.flatMap((g, index) => {
    if (g.length === 0) return [];
    const response = [0, 1, 2].map((c) => g.reduce((a, v) => a + v[c]!, 0) / g.length) as Rgb;
    const variance = [0, 1, 2].map((c) =>
      g.length < 2 ? Number.NaN : g.reduce((a, v) => a + (v[c]! - response[c]!) ** 2, 0) / (g.length - 1),
    ) as Rgb;
    return [{ index, emitted: tl.colors[index]!, response, frames: g.length, variance }];
  });
}

/** The per-channel response to the colours, fitted across the steps: robust to frames within a step moving together. */
export interface StepGains {
  /** Levels per full-scale channel. */
  gain: Rgb;
  /** Standard error of each gain, from how far the steps scatter around the fit. */
  se: Rgb;
  /** Offset of the steps from the black-screen level at zero emission. */
  offset: Rgb;
  residuals: Rgb[];
  /** RMS over steps and channels: of the fit's residuals, of the steps around their mean, and of a step mean's noise. */
  residualRms: number;
  variationRms: number;
  noiseRms: number;
}

export function stepGains(steps: readonly StepResponse[]): StepGains {
  const fits = [0, 1, 2].map((c) => simpleRegression(steps.map((s) => s.emitted[c]!), steps.map((s) => s.response[c]!)));
  const residuals = steps.map((_, i) => fits.map((f) => f.residuals[i]!) as Rgb);
  const rms = (values: number[]) => Math.sqrt(values.reduce((a, v) => a + v * v, 0) / Math.max(1, values.length));
  const means = [0, 1, 2].map((c) => steps.reduce((a, s) => a + s.response[c]!, 0) / steps.length);
  const noise = steps.flatMap((s) => (s.frames < 2 ? [] : s.variance.map((v) => Math.sqrt(v / s.frames))));
  return {
    gain: fits.map((f) => f.slope) as Rgb,
    se: fits.map((f) => f.slopeSe) as Rgb,
    offset: fits.map((f) => f.intercept) as Rgb,
    residuals,
    residualRms: rms(residuals.flat()),
    variationRms: rms(steps.flatMap((s) => s.response.map((v, c) => v - means[c]!))),
    noiseRms: rms(noise),
  };
}
