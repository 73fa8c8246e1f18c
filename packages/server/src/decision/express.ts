import type { ResultReasonCode, Status } from '@facelight/protocol';
import { cosine } from '../analysis/face-models.js';
import { frameQuality } from './evidence.js';

/** What the analysis found in one frame; only the live connection holds these. */
export interface FrameObservation {
  seq: number;
  width: number;
  height: number;
  faceCount: number;
  /** The most confident face, when there is one. */
  face?: FaceObservation;
}

export interface FaceObservation {
  embedding: Float32Array;
  detectionScore: number;
  /** Laplacian variance on the aligned face (see analysis/quality.ts). */
  sharpness: number;
  yawDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

export interface ExpressDecisionLimits {
  /** Frames needed to decide at all. */
  minFrames: number;
  /** Share of frames that must show exactly one face. */
  minFaceShare: number;
  /** Share of frames with several faces from which the session fails as MULTIPLE_FACES. */
  multipleFacesShare: number;
  /** Cosine every face frame must reach against the session's most typical face frame. */
  identityThreshold: number;
  /** Passive anti-spoof probability of the session (median over windows of averaged frames) needed to pass. */
  livenessThreshold: number;
  /** How many of the best face frames are averaged for the face match. */
  matchFrames: number;
}

/**
 * Defaults, measured with the real models on the shared photos (../shared/data):
 * - livenessThreshold 0.5, the anti-spoof model's own decision boundary. Genuine
 *   faces framed as a camera shows them score far above it: the 20
 *   face_recognition photos sent as 640-px JPEG frames 0.935–1.000 (median
 *   1.000), the 41 faces in 640-px frames of short_hamilton_clip.mp4
 *   0.999–1.000. The 39 faceapi crops (150 px, the face filling the image,
 *   upscaled to 640) are the model's hard case: median 0.95, two below 0.5
 *   (0.39, and 0.05 at 37° yaw, which alignment would refuse). A session is
 *   scored on averages of its frames (stream/passive-liveness.ts), so neither
 *   one such frame nor sensor grain sinks it. There is no spoof data at hand,
 *   so how many attacks this threshold stops is not measured.
 * - identityThreshold 0.4, the face-match threshold: a frame that would not
 *   match the session's own typical face is someone else. Jittered frames of
 *   one photo reach >= 0.99; a 4-s stage video of one person singing and
 *   turning (the hamilton clip) 0.37–0.83, far more motion than a 1-s capture
 *   in the oval; frames of another person (Biden among Obama) -0.04.
 * - Frame counts, for the 15-frame default capture: 5 frames decide, 60 % must
 *   show one face (motion may lose a few), and 20 % with a second face (3 of
 *   15, not a detector glitch) fail the session.
 */
export const DEFAULT_EXPRESS_DECISION: ExpressDecisionLimits = {
  minFrames: 5,
  minFaceShare: 0.6,
  multipleFacesShare: 0.2,
  identityThreshold: 0.4,
  livenessThreshold: 0.5,
  matchFrames: 3,
};

export interface ExpressDecisionInput {
  observations: readonly FrameObservation[];
  /** The session's passive anti-spoof score (stream/passive-liveness.ts). */
  liveness: number;
  trusted?: Float32Array;
}

export interface ExpressDecision {
  status: Status;
  /** Failures first, then the face-match outcome (FACE_MATCHED, FACE_MISMATCH or LIVENESS_ONLY). */
  reasons: ResultReasonCode[];
  scores: { liveness: number; faceMatch?: number };
  /** The reason to show the user, only when the user can fix it by trying again. */
  retry?: ResultReasonCode;
}

export type FaceFrame = FrameObservation & { face: FaceObservation };

/**
 * The verdict over the analysed frames: enough frames, one face, one
 * identity throughout, live, and (with a trusted image) the right person.
 */
export function decideExpress(input: ExpressDecisionInput, limits: ExpressDecisionLimits & { faceMatchThreshold: number }): ExpressDecision {
  const frames = input.observations;
  const faceFrames = frames.filter((f): f is FaceFrame => f.faceCount === 1 && f.face !== undefined);
  const faces = assessFaces(faceFrames, input.liveness, input.trusted, limits);
  const gate = frameGate(frames, limits);
  // These are the failures a user can fix (face the camera alone, hold still):
  // the only reasons the browser ever hears, as a retry hint.
  if (gate) return { status: 'FAILURE', reasons: [gate], scores: faces.scores, retry: gate };
  const status = faces.failures.length === 0 ? 'SUCCESS' : 'FAILURE';
  return { status, reasons: faces.outcome ? [...faces.failures, faces.outcome] : faces.failures, scores: faces.scores };
}

/** Too few frames, a second face, or too few frames with a face: counted over every frame the client sent. */
export function frameGate(
  frames: readonly { faceCount: number }[],
  limits: Pick<ExpressDecisionLimits, 'minFrames' | 'multipleFacesShare' | 'minFaceShare'>,
): 'TOO_FEW_FRAMES' | 'MULTIPLE_FACES' | 'NO_FACE' | undefined {
  const n = frames.length;
  if (n < limits.minFrames) return 'TOO_FEW_FRAMES';
  if (frames.filter((f) => f.faceCount > 1).length / n >= limits.multipleFacesShare) return 'MULTIPLE_FACES';
  if (frames.filter((f) => f.faceCount === 1).length / n < limits.minFaceShare) return 'NO_FACE';
  return undefined;
}

export interface FaceAssessment {
  /** IDENTITY_CHANGED, SPOOF_DETECTED, FACE_MISMATCH as they apply. */
  failures: ResultReasonCode[];
  /** FACE_MATCHED or LIVENESS_ONLY; a mismatch is among the failures. */
  outcome?: 'FACE_MATCHED' | 'LIVENESS_ONLY';
  scores: { liveness: number; faceMatch?: number };
}

/** Identity and face match over the fully analysed face frames, and the passive anti-spoof score against its threshold. */
export function assessFaces(
  faceFrames: readonly FaceFrame[],
  liveness: number,
  trusted: Float32Array | undefined,
  limits: Pick<ExpressDecisionLimits, 'identityThreshold' | 'livenessThreshold' | 'matchFrames'> & { faceMatchThreshold: number },
): FaceAssessment {
  const best = [...faceFrames].sort((a, b) => frameQuality(b) - frameQuality(a)).slice(0, limits.matchFrames);
  const faceMatch = trusted && best.length > 0 ? cosine(sum(best.map((f) => f.face.embedding)), trusted) : undefined;
  const scores = { liveness, ...(faceMatch === undefined ? {} : { faceMatch }) };
  const failures: ResultReasonCode[] = [];
  if (minSimilarityToMedoid(faceFrames.map((f) => f.face.embedding)) < limits.identityThreshold) failures.push('IDENTITY_CHANGED');
  if (liveness < limits.livenessThreshold) failures.push('SPOOF_DETECTED');
  const matched = faceMatch !== undefined && faceMatch >= limits.faceMatchThreshold;
  if (faceMatch !== undefined && !matched) failures.push('FACE_MISMATCH');
  const outcome = faceMatch === undefined ? 'LIVENESS_ONLY' : matched ? 'FACE_MATCHED' : undefined;
  return { failures, ...(outcome ? { outcome } : {}), scores };
}

/**
 * Identity consistency against the medoid (the frame most similar to all
 * others) rather than the mean: half the frames of another person pull the
 * mean halfway, so every frame stays ~0.7 from it, while against the medoid
 * the other person's frames fall to their true similarity (about 0).
 */
function minSimilarityToMedoid(embeddings: readonly Float32Array[]): number {
  const sim = embeddings.map((a) => embeddings.map((b) => cosine(a, b)));
  const totals = sim.map((row) => row.reduce((s, v) => s + v, 0));
  const medoid = totals.indexOf(Math.max(...totals));
  return Math.min(...(sim[medoid] ?? [1]));
}

function sum(vectors: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(vectors[0]?.length ?? 0);
  for (const v of vectors) for (let i = 0; i < out.length; i++) out[i]! += v[i]!;
  return out;
}
