/** What the analysis pool sends its workers and what they reply, shared by both sides. */
import type { AnalysisNeeds, DetectionPolicy, ImageAnalysis, KnownFace } from './analyze-face.js';
import type { ModelOptions } from './face-models.js';
import type { RgbImage } from './raster.js';

export interface AnalysisWorkerData {
  models: ModelOptions;
  detection: DetectionPolicy;
}

/**
 * A whole image to analyse, given as pixels or as a checked JPEG/PNG to
 * decode in the worker (`known: null`: decode only, the face it would follow is
 * absent), or an anti-spoof crop (an average of several) to score.
 */
export type AnalysisTask =
  | { kind: 'image'; image: RgbImage; needs: AnalysisNeeds; known?: KnownFace }
  | { kind: 'encoded'; bytes: Uint8Array; maxPixels: number; needs: AnalysisNeeds; known?: KnownFace | null }
  | { kind: 'liveness'; crop: RgbImage };

/** The reply to an `encoded` task whose bytes do not decode. */
export const UNDECODABLE = 'undecodable';

export type AnalysisReply = ImageAnalysis | number | typeof UNDECODABLE;
