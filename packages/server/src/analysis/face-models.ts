import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { fitSimilarity, inverseAffine, ARCFACE_REFERENCE } from './align.js';
import { decodeDetections, type Detection } from './detect.js';
import { squareBox, type Box, type Point } from './geometry.js';
import { fivePointList, type FivePoints } from './landmarks.js';
import { rectToAffine, resize, toGrey, toPlanar, warpAffine, type ChannelOrder, type RgbImage } from './raster.js';

/**
 * How each model wants its input. The channel orders were measured on real
 * photos, not assumed (face-models.test.ts checks them): in BGR the detector is
 * at least as sure with fewer spurious boxes, the embedding separates
 * identities better and the anti-spoof model calls real faces real more
 * often: the weights were trained on OpenCV's BGR images.
 */
export const MODEL_SPECS = {
  detect: { file: 'fr_detect.onnx', width: 320, height: 240, order: 'BGR' as ChannelOrder, mean: 127, std: 128 },
  landmark: { file: 'fr_landmark.onnx', size: 64, boxScale: 1 },
  feature: { file: 'fr_feature.onnx', size: 112, order: 'BGR' as ChannelOrder, mean: 127, std: 128 },
  liveness: { file: 'fr_liveness.onnx', size: 128, order: 'BGR' as ChannelOrder, cropScale: 2.7 },
} as const;

export type ModelName = keyof typeof MODEL_SPECS;

export interface ModelOptions {
  /** Folder of the weights; a `manifest.json` there pins each file's sha256. */
  dir: string;
  channelOrders?: Partial<Record<'detect' | 'feature' | 'liveness', ChannelOrder>>;
}

export class ModelLoadError extends Error {}

export class FaceModels {
  private constructor(
    private readonly sessions: Record<ModelName, ort.InferenceSession>,
    private readonly orders: Record<'detect' | 'feature' | 'liveness', ChannelOrder>,
  ) {}

  static async load(opts: ModelOptions): Promise<FaceModels> {
    const pinned = await manifestHashes(opts.dir);
    const entries = await Promise.all(
      (Object.keys(MODEL_SPECS) as ModelName[]).map(async (name) => {
        const file = path.join(opts.dir, MODEL_SPECS[name].file);
        let bytes: Buffer;
        try {
          bytes = await readFile(file);
        } catch {
          throw new ModelLoadError(`model ${MODEL_SPECS[name].file} is missing in ${opts.dir}: run "npm run models"`);
        }
        const expected = pinned[MODEL_SPECS[name].file];
        if (expected) {
          const actual = createHash('sha256').update(bytes).digest('hex');
          if (actual !== expected) {
            throw new ModelLoadError(
              `model ${MODEL_SPECS[name].file} is corrupt (sha256 ${actual}, expected ${expected}): delete it and run "npm run models"`,
            );
          }
        }
        // One intra-op thread per session: parallelism comes from the worker pool, and
        // onnxruntime's own threads on 2 cores made each run 2–4x slower (DESIGN §6).
        const session = await ort.InferenceSession.create(bytes, {
          intraOpNumThreads: 1,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          graphOptimizationLevel: 'all',
        });
        return [name, session] as const;
      }),
    );
    return new FaceModels(Object.fromEntries(entries) as Record<ModelName, ort.InferenceSession>, {
      detect: opts.channelOrders?.detect ?? MODEL_SPECS.detect.order,
      feature: opts.channelOrders?.feature ?? MODEL_SPECS.feature.order,
      liveness: opts.channelOrders?.liveness ?? MODEL_SPECS.liveness.order,
    });
  }

  private async run(name: ModelName, data: Float32Array, dims: number[]): Promise<Record<string, Float32Array>> {
    const session = this.sessions[name];
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', data, dims) });
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.data as Float32Array]));
  }

  async detect(img: RgbImage, minScore: number, iouThreshold = 0.3): Promise<Detection[]> {
    const s = MODEL_SPECS.detect;
    const small = resize(img, s.width, s.height);
    const out = await this.run('detect', toPlanar(small, this.orders.detect, s.mean, s.std), [1, 3, s.height, s.width]);
    return decodeDetections(out.scores!, out.boxes!, img.width, img.height, minScore, iouThreshold);
  }

  /** 68 landmarks in image pixels, from a square crop around the detection. */
  async landmarks(img: RgbImage, box: Box): Promise<Point[]> {
    const s = MODEL_SPECS.landmark;
    const sq = squareBox(box, s.boxScale);
    const crop = warpAffine(img, rectToAffine(sq.x, sq.y, sq.w, sq.h, s.size, s.size), s.size, s.size);
    const grey = toGrey(crop).map((v) => v / 256);
    const out = await this.run('landmark', grey, [1, 1, s.size, s.size]);
    const flat = Object.values(out)[0]!;
    const pts: Point[] = [];
    for (let i = 0; i < 68; i++) pts.push({ x: sq.x + flat[i * 2]! * sq.w, y: sq.y + flat[i * 2 + 1]! * sq.h });
    return pts;
  }

  /** The ArcFace-aligned crop (112x112 for the embedding model; larger for quality measures). */
  alignedCrop(img: RgbImage, five: FivePoints, size: number = MODEL_SPECS.feature.size): RgbImage {
    const k = size / MODEL_SPECS.feature.size;
    const reference = ARCFACE_REFERENCE.map((p) => ({ x: p.x * k, y: p.y * k }));
    return warpAffine(img, inverseAffine(fitSimilarity(fivePointList(five), reference)), size, size);
  }

  /** L2-normalised identity embedding. */
  async embed(img: RgbImage, five: FivePoints): Promise<Float32Array> {
    const s = MODEL_SPECS.feature;
    const crop = this.alignedCrop(img, five);
    const out = await this.run('feature', toPlanar(crop, this.orders.feature, s.mean, s.std), [1, 3, s.size, s.size]);
    return l2normalise(Object.values(out)[0]!);
  }

  /** Probability that the face is a live one (class 0 of the anti-spoof model). */
  liveness(img: RgbImage, box: Box): Promise<number> {
    return this.livenessOf(this.livenessCrop(img, box));
  }

  /** The anti-spoof model's input for this face: the box enlarged by its crop scale, square, at the model's size. */
  livenessCrop(img: RgbImage, box: Box): RgbImage {
    const s = MODEL_SPECS.liveness;
    const sq = squareBox(box, s.cropScale);
    // Shift the enlarged crop inside the image instead of padding, as the model was trained on.
    const side = Math.min(sq.w, img.width, img.height);
    const x = Math.min(Math.max(sq.x + (sq.w - side) / 2, 0), img.width - side);
    const y = Math.min(Math.max(sq.y + (sq.h - side) / 2, 0), img.height - side);
    return warpAffine(img, rectToAffine(x, y, side, side, s.size, s.size), s.size, s.size);
  }

  /** The anti-spoof score of a crop made by `livenessCrop` (or an average of several). */
  async livenessOf(crop: RgbImage): Promise<number> {
    const s = MODEL_SPECS.liveness;
    if (crop.width !== s.size || crop.height !== s.size) throw new Error(`the anti-spoof crop must be ${s.size}x${s.size}`);
    const out = await this.run('liveness', toPlanar(crop, this.orders.liveness, 0, 1), [1, 3, s.size, s.size]);
    return softmax(Object.values(out)[0]!)[0]!;
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.sessions).map((s) => s.release()));
  }
}

async function manifestHashes(dir: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'manifest.json'), 'utf8');
  } catch {
    return {};
  }
  const manifest = JSON.parse(text) as { models: { file: string; sha256: string }[] };
  return Object.fromEntries(manifest.models.map((m) => [m.file, m.sha256]));
}

export function l2normalise(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

export function softmax(v: Float32Array): number[] {
  const m = Math.max(...v);
  const e = Array.from(v, (x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na * nb) || 1);
}
