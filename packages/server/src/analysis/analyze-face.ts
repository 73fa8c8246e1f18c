import type { FaceQuality } from '@facelight/protocol';
import { measureRegions, type RegionMeans } from '../reflection/regions.js';
import type { FaceModels } from './face-models.js';
import { distance, type Box, type Point } from './geometry.js';
import { fivePoints } from './landmarks.js';
import { estimatePose, eyeOpenness } from './pose.js';
import { measurePixelQuality } from './quality.js';
import type { RgbImage } from './raster.js';

export interface DetectionPolicy {
  /** A face is found when the detector is at least this sure. */
  minScore: number;
  /**
   * Further faces count only at this confidence: weak second detections are
   * usually faces in posters or paintings, not a second person.
   */
  extraFaceScore: number;
}

export const DEFAULT_DETECTION_POLICY: DetectionPolicy = { minScore: 0.7, extraFaceScore: 0.95 };

/** Side of the aligned crop the pixel quality measures are taken on (eye distance ≈ 70 px). */
const QUALITY_CROP = 224;

/** What to compute beyond detection and landmarks, which every use needs. */
export interface AnalysisNeeds {
  /** Pose, eyes and pixel measures of the trusted-image checks. */
  quality: boolean;
  /** The passive anti-spoof score. */
  liveness: boolean;
  /**
   * The anti-spoof model's input crop instead of its score, for a stream's
   * frames: their crops are averaged over several frames before scoring
   * (see stream/passive-liveness.ts).
   */
  livenessCrop?: boolean;
  /** The identity embedding (default true): the costliest stage, ~65 ms of a ~95 ms analysis. */
  embedding?: boolean;
  /** Mean linear RGB of the skin regions and the background, for the Dynamic reflection check (default false). */
  regions?: boolean;
}

export const ALL_NEEDS: AnalysisNeeds = { quality: true, liveness: true };
/** A stream frame analysed in full: the anti-spoof crop is kept for averaging over frames, not scored alone. */
export const STREAM_NEEDS: AnalysisNeeds = { quality: true, liveness: false, livenessCrop: true };
/** A Dynamic frame between the heavy ones: where the face is and what light it reflects, ~12 ms. */
export const REGIONS_ONLY: AnalysisNeeds = { quality: false, liveness: false, embedding: false, regions: true };

export interface FaceAnalysis {
  box: Box;
  detectionScore: number;
  landmarks: Point[];
  /** Landmarks that fall outside the image, a sign the face is cut off. */
  landmarksOutside: number;
  eyeDistancePx: number;
  quality?: FaceQuality;
  embedding?: Float32Array;
  liveness?: number;
  livenessCrop?: RgbImage;
  /** Null when the face is too small or too far outside the frame for its regions. */
  regions?: RegionMeans | null;
}

/**
 * Where an earlier frame of the same stream found the face, taken as this
 * frame's instead of running the detector again: at 30 fps the face moves a
 * pixel or two between frames, and the landmark model, which still runs on
 * every frame, finds the points within a box that is off by that much.
 * Landmarks are not carried over: masks placed by a frame a few frames old
 * jump at each refresh, and the jumps showed in the reflection fit's residual.
 */
export interface KnownFace {
  box: Box;
  detectionScore: number;
  faceCount: number;
}

/** The face of an analysis, to be reused for the next frames; null when the analysis found none. */
export function knownFaceOf(analysis: ImageAnalysis): KnownFace | null {
  const { face, faceCount } = analysis;
  return face ? { box: face.box, detectionScore: face.detectionScore, faceCount } : null;
}

export interface ImageAnalysis {
  width: number;
  height: number;
  faceCount: number;
  /** The most confident face, analysed in full; null when no face was found. */
  face: FaceAnalysis | null;
}

/**
 * Runs the whole pipeline of DESIGN §6 on the most confident face of an
 * image; with `known`, on that face, without the detector.
 */
export async function analyzeImage(
  models: FaceModels,
  img: RgbImage,
  policy: DetectionPolicy = DEFAULT_DETECTION_POLICY,
  needs: AnalysisNeeds = ALL_NEEDS,
  known?: KnownFace,
): Promise<ImageAnalysis> {
  const base = { width: img.width, height: img.height };
  let top: { box: Box; score: number } | undefined;
  let faceCount: number;
  if (known) {
    top = { box: known.box, score: known.detectionScore };
    faceCount = known.faceCount;
  } else {
    const detections = await models.detect(img, policy.minScore);
    top = detections[0];
    if (!top) return { ...base, faceCount: 0, face: null };
    faceCount = 1 + detections.slice(1).filter((d) => d.score >= policy.extraFaceScore).length;
  }

  const landmarks = await models.landmarks(img, top.box);
  const five = fivePoints(landmarks);
  const eyeDistancePx = distance(five.leftEye, five.rightEye);
  const face: FaceAnalysis = {
    box: top.box,
    detectionScore: top.score,
    landmarks,
    landmarksOutside: landmarks.filter((p) => p.x < 0 || p.y < 0 || p.x >= img.width || p.y >= img.height).length,
    eyeDistancePx,
  };
  if (needs.embedding ?? true) face.embedding = await models.embed(img, five);
  // Here, beside the pixels: only the means leave the analysis thread.
  if (needs.regions) face.regions = measureRegions(img, landmarks);
  if (needs.quality) {
    face.quality = {
      eyeDistancePx,
      ...estimatePose(landmarks),
      eyeOpenness: eyeOpenness(landmarks),
      ...measurePixelQuality(models.alignedCrop(img, five, QUALITY_CROP)),
      detectionScore: top.score,
    };
  }
  if (needs.liveness) face.liveness = await models.liveness(img, top.box);
  if (needs.livenessCrop) face.livenessCrop = models.livenessCrop(img, top.box);
  return { ...base, faceCount, face };
}

/** The embedding of a face analysed with it (ALL_NEEDS or any needs that keep `embedding`). */
export function embeddingOf(face: FaceAnalysis): Float32Array {
  if (!face.embedding) throw new Error('the analysis skipped the embedding');
  return face.embedding;
}
