import { workerData } from 'node:worker_threads';
import { serveTasks } from '../workers/protocol.js';
import { analyzeImage, type AnalysisNeeds, type DetectionPolicy, type ImageAnalysis } from './analyze-face.js';
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

export interface AnalysisTask {
  image: RgbImage;
  needs: AnalysisNeeds;
}

await serveTasks<AnalysisTask, ImageAnalysis>(models, async ({ image, needs }) => {
  const analysis = await analyzeImage(await models, image, config.detection, needs);
  return { result: analysis, transfer: analysis.face?.embedding ? [analysis.face.embedding.buffer as ArrayBuffer] : [] };
});
