import type { ColorStep, ResultReasonCode, Status } from '@facelight/protocol';
import { DEFAULT_REFLECTION_LIMITS, type ReflectionLimits } from '../reflection/decide.js';
import type { RegionMeans } from '../reflection/regions.js';
import { verifyReflection, type ReflectionOutcome, type ReflectionSummary } from '../reflection/verify.js';
import { assessFaces, DEFAULT_EXPRESS_DECISION, frameGate, type ExpressDecisionLimits, type FaceFrame, type FrameObservation } from './express.js';

export type DynamicDecisionLimits = ExpressDecisionLimits & ReflectionLimits;

/**
 * The Express limits, with the frame count of a Dynamic capture (about 4 s
 * at 30 fps, 120+ frames; 40 is a 15-fps camera's worth of the colours
 * alone), and the reflection limits (see DEFAULT_REFLECTION_LIMITS).
 */
export const DEFAULT_DYNAMIC_DECISION: DynamicDecisionLimits = {
  ...DEFAULT_EXPRESS_DECISION,
  minFrames: 40,
  ...DEFAULT_REFLECTION_LIMITS,
};

/** Every frame of a Dynamic session, with what the light analysis found. */
export interface FrameSample {
  seq: number;
  /** Capture time, page clock. */
  t: number;
  faceCount: number;
  regions: RegionMeans | null;
}

export interface DynamicDecisionInput {
  samples: readonly FrameSample[];
  /** The frames analysed in full (embedding, anti-spoof, quality). */
  observations: readonly FrameObservation[];
  colors: readonly ColorStep[];
  displayTimes: readonly number[];
  /** The session's passive anti-spoof score (stream/passive-liveness.ts). */
  liveness: number;
  trusted?: Float32Array;
}

export interface DynamicDecision {
  status: Status;
  reasons: ResultReasonCode[];
  scores: { liveness: number; faceMatch?: number; reflection: number };
  reflection?: ReflectionSummary;
  /** Only when every failure is one the user can fix by trying again. */
  retry?: ResultReasonCode;
  /** The reflection check in full (metrics and per-check scores), for logs and benchmarks; never sent. */
  outcome?: ReflectionOutcome;
}

const USER_FIXABLE = new Set<ResultReasonCode>(['REFLECTION_TOO_WEAK', 'NO_FACE', 'MULTIPLE_FACES', 'TOO_FEW_FRAMES']);

/**
 * The Dynamic verdict: the Express checks (frames, one face, one identity,
 * passive anti-spoof on the fully analysed frames, face match) and the
 * reflection of the colour sequence, which every frame with one face feeds.
 */
export function decideDynamic(input: DynamicDecisionInput, limits: DynamicDecisionLimits & { faceMatchThreshold: number }): DynamicDecision {
  const faceFrames = input.observations.filter((f): f is FaceFrame => f.faceCount === 1 && f.face !== undefined);
  const faces = assessFaces(faceFrames, input.liveness, input.trusted, limits);
  const gate = frameGate(input.samples, limits) ?? (faceFrames.length === 0 ? 'NO_FACE' : undefined);
  if (gate) return { status: 'FAILURE', reasons: [gate], scores: { ...faces.scores, reflection: 0 }, retry: gate };

  const frames = input.samples.flatMap((s) => (s.faceCount === 1 && s.regions ? [{ t: s.t, regions: s.regions }] : []));
  const outcome = verifyReflection({ frames, colors: input.colors, displayTimes: input.displayTimes }, limits);
  const failures = [...outcome.reasons, ...faces.failures];
  const retry = failures.length > 0 && failures.every((r) => USER_FIXABLE.has(r)) ? failures[0] : undefined;
  return {
    status: failures.length === 0 ? 'SUCCESS' : 'FAILURE',
    reasons: faces.outcome ? [...failures, faces.outcome] : failures,
    scores: { ...faces.scores, reflection: outcome.score },
    ...(outcome.summary ? { reflection: outcome.summary } : {}),
    ...(retry ? { retry } : {}),
    outcome,
  };
}
