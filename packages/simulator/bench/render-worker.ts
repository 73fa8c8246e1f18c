/**
 * Renders a whole simulated session's frames off the main thread, so the
 * sessions being streamed keep their real-time pace: the physical model, then
 * JPEG at the challenge's quality with sharp (4:2:0, as a browser's encoder).
 */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { ReactiveCameraModel, type SceneInput, type SessionPlan } from '@facelight/simulator';
import { framePortrait, PORTRAITS, type FramedPortrait } from './portraits.js';

export interface RenderJob {
  id: number;
  portrait: string;
  scene: SceneInput;
  plan: SessionPlan;
  quality: number;
  width: number;
  height: number;
}

export interface RenderResult {
  id: number;
  frames?: Uint8Array[];
  error?: string;
}

sharp.concurrency(1);
const cache = new Map<string, Promise<FramedPortrait>>();

function framed(file: string, width: number, height: number): Promise<FramedPortrait> {
  const key = `${file}:${width}x${height}`;
  let p = cache.get(key);
  if (!p) {
    const spec = PORTRAITS.find((s) => s.file === file);
    if (!spec) throw new Error(`unknown portrait ${file}`);
    p = framePortrait(spec, width, height);
    cache.set(key, p);
  }
  return p;
}

async function render(job: RenderJob): Promise<Uint8Array[]> {
  const { image, face } = await framed(job.portrait, job.width, job.height);
  const camera = new ReactiveCameraModel(image, face, job.scene);
  const displays = [...job.plan.displays];
  const raw = new Uint8Array(job.width * job.height * 3);
  const frames: Uint8Array[] = [];
  for (const t of job.plan.frames) {
    // The screen as it was when this frame was captured (the model applies its own latency).
    while (displays.length > 0 && displays[0]!.t <= t) {
      const d = displays.shift()!;
      camera.display(d.t, d.index, d.rgb);
    }
    camera.render(t, raw, 3);
    const jpeg = await sharp(raw, { raw: { width: job.width, height: job.height, channels: 3 } }).jpeg({ quality: Math.round(job.quality * 100) }).toBuffer();
    // A copy that owns its memory, so it can be transferred to the main thread.
    frames.push(new Uint8Array(jpeg));
  }
  return frames;
}

parentPort!.on('message', (job: RenderJob) => {
  render(job).then(
    (frames) => parentPort!.postMessage({ id: job.id, frames } satisfies RenderResult, frames.map((f) => f.buffer as ArrayBuffer)),
    (err: unknown) => parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies RenderResult),
  );
});
