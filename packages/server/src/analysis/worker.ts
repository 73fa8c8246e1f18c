import { workerData } from 'node:worker_threads';
import { serveTasks } from '../workers/protocol.js';
import { analyzeImage, type AnalysisNeeds, type DetectionPolicy, type ImageAnalysis, type KnownFace } from './analyze-face.js';
import { FaceModels, type ModelOptions } from './face-models.js';
import type { RgbImage } from './raster.js';

export interface AnalysisWorkerData {
  models: ModelOptions;
  detection: DetectionPolicy;
}

const config = workerData as AnalysisWorkerData;
// Each worker holds its own sessions: onnxruntime-node runs inference on the
// calling thread, so parallelism has to come from threads, not from async calls.
const models = FaceModels.load(config.models);

/** A whole image to analyse, or an anti-spoof crop (an average of several) to score. */
export type AnalysisTask = { kind: 'image'; image: RgbImage; needs: AnalysisNeeds; known?: KnownFace } | { kind: 'liveness'; crop: RgbImage };

await serveTasks<AnalysisTask, ImageAnalysis | number>(models, async (task) => {
  if (task.kind === 'liveness') return { result: await (await models).livenessOf(task.crop) };
  const analysis = await analyzeImage(await models, task.image, config.detection, task.needs, task.known);
  const transfer = [analysis.face?.embedding?.buffer, analysis.face?.livenessCrop?.data.buffer].filter((b) => b !== undefined);
  return { result: analysis, transfer: transfer as ArrayBuffer[] };
});
