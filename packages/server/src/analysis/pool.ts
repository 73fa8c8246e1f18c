import { availableParallelism } from 'node:os';
import { createWorkerPool, siblingModule } from '../workers/pool.js';
import { ALL_NEEDS, type AnalysisNeeds, type ImageAnalysis, type KnownFace } from './analyze-face.js';
import type { RgbImage } from './raster.js';
import { UNDECODABLE, type AnalysisReply, type AnalysisTask, type AnalysisWorkerData } from './tasks.js';

export interface AnalysisPoolOptions extends AnalysisWorkerData {
  threads?: number;
  /** Images waiting beyond this are refused rather than queued without bound. */
  maxQueue?: number;
}

export interface AnalysisPool {
  /** The pixels are copied to a worker. With `known`, the detector is skipped and the landmarks are found in its box. */
  analyze(img: RgbImage, needs?: AnalysisNeeds, known?: KnownFace): Promise<ImageAnalysis>;
  /**
   * Decodes a JPEG or PNG whose format and declared size were already checked
   * and analyses it, both in a worker, so the pixels never cross threads.
   * `known: null`: the face it would follow is absent, so it is only decoded.
   * Rejects with UndecodableImageError when the bytes do not decode.
   */
  analyzeEncoded(bytes: Uint8Array, maxPixels: number, needs?: AnalysisNeeds, known?: KnownFace | null): Promise<ImageAnalysis>;
  /** The anti-spoof score of a crop from `livenessCrop` (or an average of several). */
  scoreLiveness(crop: RgbImage): Promise<number>;
  /** Resolves once every worker has loaded its models; rejects with the load error. */
  readonly ready: Promise<void>;
  readonly threads: number;
  close(): Promise<void>;
}

/** An image's bytes passed the header checks but do not decode. */
export class UndecodableImageError extends Error {
  constructor() {
    super('the image data does not decode');
    this.name = 'UndecodableImageError';
  }
}

export function createAnalysisPool(opts: AnalysisPoolOptions): AnalysisPool {
  const threads = opts.threads ?? Math.max(1, availableParallelism());
  const pool = createWorkerPool<AnalysisTask, AnalysisReply>({
    name: 'face analysis',
    workerUrl: siblingModule('worker', import.meta.url),
    size: threads,
    eager: true,
    maxQueue: opts.maxQueue ?? threads * 32,
    workerData: { models: opts.models, detection: opts.detection } satisfies AnalysisWorkerData,
  });
  return {
    threads,
    ready: pool.ready,
    async analyze(img, needs = ALL_NEEDS, known) {
      const data = transferableCopy(img.data);
      const task: AnalysisTask = { kind: 'image', image: { data, width: img.width, height: img.height }, needs, ...(known ? { known } : {}) };
      return (await pool.run(task, [data.buffer as ArrayBuffer])) as ImageAnalysis;
    },
    async analyzeEncoded(bytes, maxPixels, needs = ALL_NEEDS, known) {
      const own = transferableCopy(bytes);
      const task: AnalysisTask = { kind: 'encoded', bytes: own, maxPixels, needs, ...(known === undefined ? {} : { known }) };
      const reply = await pool.run(task, [own.buffer as ArrayBuffer]);
      if (reply === UNDECODABLE) throw new UndecodableImageError();
      return reply as ImageAnalysis;
    },
    async scoreLiveness(crop) {
      const data = transferableCopy(crop.data);
      return (await pool.run({ kind: 'liveness', crop: { data, width: crop.width, height: crop.height } }, [data.buffer as ArrayBuffer])) as number;
    },
    close: () => pool.close(),
  };
}

/**
 * A copy the worker can take without a second one: the caller's buffer may be
 * a view whose parent must stay intact (a frame inside its stream message),
 * or one made by sharp, which Node marks untransferable (Node 20 copies it
 * silently, later versions refuse the message).
 */
function transferableCopy(data: Uint8Array): Uint8Array {
  return new Uint8Array(data);
}
