import { workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeCameraFrame } from '../image/normalise.js';
import { serveTasks } from '../workers/protocol.js';
import { analyzeImage, type ImageAnalysis } from './analyze-face.js';
import { FaceModels } from './face-models.js';
import { UNDECODABLE, type AnalysisReply, type AnalysisTask, type AnalysisWorkerData } from './tasks.js';

const config = workerData as AnalysisWorkerData;
// Each worker holds its own sessions: onnxruntime-node runs inference on the
// calling thread, so parallelism has to come from threads, not from async calls.
const models = FaceModels.load(config.models);
// One libvips thread per decode, as sharp already defaults to on glibc Linux
// but not on musl or with jemalloc (one per core there): the analysis threads
// are the parallelism, and more decode threads would only compete with them.
sharp.concurrency(1);

const withTransfer = (analysis: ImageAnalysis) => {
  const transfer = [analysis.face?.embedding?.buffer, analysis.face?.livenessCrop?.data.buffer].filter((b) => b !== undefined);
  return { result: analysis, transfer: transfer as ArrayBuffer[] };
};

await serveTasks<AnalysisTask, AnalysisReply>(models, async (task) => {
  if (task.kind === 'liveness') return { result: await (await models).livenessOf(task.crop) };
  if (task.kind === 'image') return withTransfer(await analyzeImage(await models, task.image, config.detection, task.needs, task.known));
  const { bytes, maxPixels, needs, known } = task;
  // Decoded beside the models: sharp's pixel buffers cannot be moved between threads, only copied.
  const image = await decodeCameraFrame(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), maxPixels).catch(() => undefined);
  if (!image) return { result: UNDECODABLE };
  if (known === null) return { result: { width: image.width, height: image.height, faceCount: 0, face: null } };
  return withTransfer(await analyzeImage(await models, image, config.detection, needs, known));
});
