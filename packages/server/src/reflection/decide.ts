import type { ResultReasonCode } from '@facelight/protocol';

/**
 * Limits of the reflection decision, in the units the physics gives:
 * response in linear levels (0–255 scale) per full-scale screen channel,
 * ratios of such responses, and milliseconds.
 */
export interface ReflectionLimits {
  /**
   * The physical screen-to-camera delay window: display latency after the
   * rAF timestamp (one to three 60 Hz refreshes), the camera's exposure and
   * its pipeline up to the capture timestamp.
   */
  minDelayMs: number;
  maxDelayMs: number;
  /** The wider scan that finds a response lagging (or leading) the screen by more than is physical. */
  scanMinDelayMs: number;
  scanMaxDelayMs: number;
  /** A fit outside the window this many times better (variance explained) than the best inside it is a late response. */
  delayMargin: number;
  /** Smallest response that counts as a reflection. */
  minEffectLevels: number;
  /** A response whose upper bound (estimate + 3 standard errors) stays below this is absent. */
  absentLevels: number;
  /** Response over its standard error needed to decide that it is there. */
  minSnr: number;
  /**
   * What the fit may leave of the face's colour-to-colour change (RMS over
   * RMS): a face changing with the screen, but to other colours or at other
   * times, leaves more.
   */
  maxUnexplained: number;
  /** Share of confidently predicted colour-channel changes that must go the predicted way. */
  minDirectionAgreement: number;
  /** The part of the response beyond its dominant direction (brightness) must follow the emitted colours with at least this slope. */
  minChromaAgreement: number;
  /**
   * Background response over the face's, each relative to its own level under
   * ambient light: above it the whole scene is lit alike.
   */
  maxBackgroundRatio: number;
  /** Mean cheek response over the nose's, relative likewise: above it the surface does not turn away at the sides. */
  maxCheekRatio: number;
}

/**
 * Defaults from physics and from DESIGN §6, not from test seeds:
 * - delay 0–350 ms: 1–3 display refreshes (17–50 ms) + one exposure (33 ms)
 *   + capture pipeline (50–150 ms); 350 leaves room for a slow USB camera.
 *   The scan runs from -300 to 1000 ms so a response one to three colours
 *   late (a replay reacting to an earlier session, a relay) is seen as such;
 *   it must explain 1.5x the variance of the best in-window fit.
 * - response: a reactive face gives 6–9 levels (weak) to ~50 (strong) per
 *   full-scale colour; replays stay within ±0.35. 3 levels (half the weakest
 *   genuine) is the least that counts; an upper bound under 2 levels (six
 *   times the replay noise, a third of the weakest genuine) is absent; a
 *   response needs 5 standard errors, which with the step-level error of a
 *   10-colour sequence keeps chance fits of replays (|r| ≈ 0.6 happens) out.
 * - unexplained 0.5: the fit must explain three quarters of the face's
 *   colour-to-colour variance. The screen's light adds linearly, so a
 *   reflection's changes are explained but for noise, exposure drift and the
 *   sensor's channel mixing; a response to other colours (shuffled, or a
 *   relay answering an earlier challenge) or at other times leaves most of
 *   it. Only a residual well above the step noise (3 sigmas) counts, so a
 *   weak genuine response is never failed by its noise.
 * - direction 0.8: noise flips a confidently predicted change (3 step-noise
 *   sigmas) far less than once in 100; a shuffled sequence agrees ~50–65 %.
 * - chroma 0.5: a true reflection's colour part follows the screen with slope
 *   ≈ 1, a brightness flicker's with ≈ 0; 0.5 is the midpoint.
 * - spatial ratios compare responses relative to each region's own level
 *   under ambient light, so what a region reflects (skin, ink, paint) cancels
 *   and what remains is the share of the screen's light that reaches it.
 * - background 0.5: light from the screen falls with the square of distance,
 *   so a wall at twice the face's distance gets a quarter of it; 0.5 leaves
 *   room for a background nearer than that. A photo or screen filling the
 *   view, lit evenly, gives 1; a tint added to the whole frame (an injected
 *   video under a colour filter) gives the face's level over the
 *   background's, ≥ 1 against a darker background.
 * - cheeks 0.85: the cheek regions lie ~60 % of the way from the midline to
 *   the jaw, where a head's surface is turned 40–50° from the screen, so
 *   Lambertian irradiance is cos 40–50° = 0.64–0.77 of the nose's; a flat
 *   surface gives 1, an added tint more than 1 (cheeks are darker than the
 *   nose). The nose alone is the reference, not the forehead with it: the
 *   cheeks sit level with it on either side, so a flat surface held at a
 *   tilt (its response a linear gradient across it) still gives 1 — the two
 *   cheeks' sideways gradients cancel and the vertical one barely differs
 *   between them and the nose — while the forehead lies higher and moves
 *   with the vertical tilt. Assumes ambient light that does not itself come
 *   from the screen's direction (a window right behind the screen shades
 *   the face as the screen does and makes it look flatter).
 */
export const DEFAULT_REFLECTION_LIMITS: ReflectionLimits = {
  minDelayMs: 0,
  maxDelayMs: 350,
  scanMinDelayMs: -300,
  scanMaxDelayMs: 1000,
  delayMargin: 1.5,
  minEffectLevels: 3,
  absentLevels: 2,
  minSnr: 5,
  maxUnexplained: 0.5,
  minDirectionAgreement: 0.8,
  minChromaAgreement: 0.5,
  maxBackgroundRatio: 0.5,
  maxCheekRatio: 0.85,
};

/** What the fit measured; every field is in the units of ReflectionLimits. */
export interface ReflectionMetrics {
  /** Best delay within the physical window. */
  delayMs: number;
  /** Face response at that delay, mean over channels, and its standard error. */
  effectLevels: number;
  effectSe: number;
  /** RMS over colours and channels: step-to-step variation of the face, what the fit leaves of it, and a step mean's noise. */
  variationLevels: number;
  residualLevels: number;
  noiseLevels: number;
  /** Null when too few colour-channel changes were predicted confidently to judge. */
  directionAgreement: number | null;
  /** Null when the sequence's colour part is too small to measure. */
  chromaAgreement: number | null;
  /** Null when the background bands were outside the frames. */
  backgroundRatio: number | null;
  cheekRatio: number;
  /** The best fit outside the window, when it explains more than the best inside. */
  outside: { delayMs: number; ratio: number; effectLevels: number; effectSe: number } | null;
}

export type ReflectionReason = Extract<
  ResultReasonCode,
  'REFLECTION_ABSENT' | 'REFLECTION_MISMATCH' | 'REFLECTION_TOO_WEAK' | 'IMPLAUSIBLE_DELAY' | 'FLAT_SURFACE'
>;

export interface ReflectionVerdict {
  passed: boolean;
  reasons: ReflectionReason[];
  /**
   * In [0, 1]: the weakest of the checks, each mapped so that its threshold
   * is 0.5; the verdict passes exactly when the score is at least 0.5 (ties aside).
   */
  score: number;
  checks: Record<'effect' | 'delay' | 'fit' | 'direction' | 'chroma' | 'background' | 'shape', number>;
}

/** Higher is better: 0 at 0, 0.5 at the threshold, 1 at twice it. */
const atLeast = (value: number, threshold: number) => clamp(value / (2 * threshold));
/** Lower is better: 1 at 0, 0.5 at the threshold, 0 at twice it. */
const atMost = (value: number, threshold: number) => clamp(1 - value / (2 * threshold));
const clamp = (v: number) => (Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v)));
const snr = (effect: number, se: number) => (se > 0 ? effect / se : effect > 0 ? Infinity : 0);

/**
 * The reflection verdict. A late response is judged first (its in-window fit
 * is weak for the wrong reason), then whether there is a response at all,
 * and only for a response that is there whether it is the right one.
 */
export function decideReflection(m: ReflectionMetrics, limits: ReflectionLimits): ReflectionVerdict {
  const effectCheck = Math.min(atLeast(m.effectLevels, limits.minEffectLevels), atLeast(snr(m.effectLevels, m.effectSe), limits.minSnr));
  const present = effectCheck >= 0.5;
  const lateIsReal =
    m.outside !== null &&
    m.outside.effectLevels >= limits.minEffectLevels &&
    snr(m.outside.effectLevels, m.outside.effectSe) >= limits.minSnr;
  // Residual within noise: nothing measurable is left unexplained, however small the variation.
  const measurableResidual = m.residualLevels >= 3 * m.noiseLevels;
  const checks: ReflectionVerdict['checks'] = {
    effect: effectCheck,
    delay: lateIsReal ? atMost(m.outside!.ratio, limits.delayMargin) : 1,
    fit: measurableResidual && m.variationLevels > 0 ? atMost(m.residualLevels / m.variationLevels, limits.maxUnexplained) : 1,
    direction: m.directionAgreement === null ? 1 : clamp(0.5 + (m.directionAgreement - limits.minDirectionAgreement) / (2 * (1 - limits.minDirectionAgreement))),
    chroma: m.chromaAgreement === null ? 1 : atLeast(m.chromaAgreement, limits.minChromaAgreement),
    background: m.backgroundRatio === null ? 1 : atMost(m.backgroundRatio, limits.maxBackgroundRatio),
    shape: atMost(m.cheekRatio, limits.maxCheekRatio),
  };
  const score = Math.min(...Object.values(checks));
  const verdict = (reasons: ReflectionReason[]): ReflectionVerdict => ({ passed: reasons.length === 0, reasons, score, checks });

  if (lateIsReal && m.outside!.ratio >= limits.delayMargin) return verdict(['IMPLAUSIBLE_DELAY']);
  if (!present) {
    // The face changed from colour to colour, well beyond its frame-to-frame noise, but not as the screen did.
    const synchronous = m.variationLevels >= limits.minEffectLevels / 2 && m.variationLevels >= 4 * m.noiseLevels;
    if (synchronous && (checks.fit < 0.5 || m.effectLevels <= -limits.minEffectLevels)) return verdict(['REFLECTION_MISMATCH']);
    if (m.effectLevels + 3 * m.effectSe < limits.absentLevels) return verdict(['REFLECTION_ABSENT']);
    return verdict(['REFLECTION_TOO_WEAK']);
  }
  const reasons: ReflectionReason[] = [];
  if (checks.fit < 0.5 || checks.direction < 0.5 || checks.chroma < 0.5) reasons.push('REFLECTION_MISMATCH');
  if (checks.background < 0.5 || checks.shape < 0.5) reasons.push('FLAT_SURFACE');
  return verdict(reasons);
}
