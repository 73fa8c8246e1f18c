/**
 * A cheap stand-in for the render pool, for load: the physical model renders
 * each colour a face can be lit by once (a few noise and sway variants each,
 * exposure and white balance locked so every variant is the settled
 * response), and a session's frames are picked from those by the colour on
 * the panel when each is captured. Rendering a session costs ~2 CPU-s, more
 * than the verifier's analysis of it, and a load generator on the same two
 * cores must not take them from the verifier. What it loses: no rolling
 * shutter or exposure blending across a switch, no auto-exposure drift —
 * bench:pad, which renders every frame, is where accuracy is measured.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { ReactiveCameraModel, createRng, DEFAULT_SCENE, hashSeed, type Rgb, type SceneInput } from '@facelight/simulator';
import { framePortrait, PORTRAITS } from './portraits.js';
import type { RenderJob } from './render-worker.js';
import type { FrameRenderer } from './session.js';

/** Variants per colour: enough that consecutive frames of one colour rarely repeat a rendering. */
const VARIANTS = 4;
/** When a colour held from page time 0 has settled, and how far apart its variants are (the sway moves between them). */
const SETTLED_MS = 1000;
const VARIANT_SPACING_MS = 700;

/** The scene of every banked frame: a genuine face in an office, a camera that does not adapt. */
export const BANK_SCENE: SceneInput = {
  presentation: 'genuine',
  autoExposure: { strength: 0, tauMs: DEFAULT_SCENE.autoExposure.tauMs },
  whiteBalance: { strength: 0, tauMs: DEFAULT_SCENE.whiteBalance.tauMs },
};

export class FrameBank implements FrameRenderer {
  private readonly renders = new Map<string, Promise<Uint8Array[]>>();
  private readonly rng = createRng(1).fork('frame-bank');
  /** Frames differ in a JPEG comment from one session to the next, as a camera's noise makes them differ. */
  private readonly salt = randomBytes(8);
  private sent = 0;

  /** Renders the variants of each colour in advance, so no session waits for them. */
  async prepare(portrait: string, colors: readonly Rgb[], width: number, height: number, quality: number): Promise<void> {
    await Promise.all([null, ...colors].map((c) => this.variants(portrait, c, width, height, quality)));
  }

  async render(job: Omit<RenderJob, 'id'>): Promise<Uint8Array[]> {
    const lag = (job.scene.latencyMs ?? DEFAULT_SCENE.latencyMs) + (job.scene.panelDelayMs ?? DEFAULT_SCENE.panelDelayMs);
    const frames: Uint8Array[] = [];
    for (const t of job.plan.frames) {
      const shown = job.plan.displays.filter((d) => d.t + lag <= t).at(-1);
      const colour = shown && shown.index >= 0 ? shown.rgb : null;
      const variants = await this.variants(job.portrait, colour, job.width, job.height, job.quality);
      frames.push(this.unique(variants[this.rng.int() % VARIANTS]!));
    }
    return frames;
  }

  private variants(portrait: string, colour: Rgb | null, width: number, height: number, quality: number): Promise<Uint8Array[]> {
    const key = `${portrait}:${width}x${height}:${quality}:${colour?.join(',') ?? 'neutral'}`;
    let p = this.renders.get(key);
    if (!p) {
      p = renderVariants(portrait, colour, width, height, quality);
      this.renders.set(key, p);
    }
    return p;
  }

  /** The JPEG with a comment segment (FF FE) after its start marker, which decoders skip. */
  private unique(jpeg: Uint8Array): Uint8Array {
    const comment = Buffer.alloc(4 + 16);
    comment.writeUInt16BE(0xfffe, 0);
    comment.writeUInt16BE(2 + 16, 2);
    this.salt.copy(comment, 4);
    comment.writeDoubleBE(this.sent++, 12);
    return Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2)]);
  }
}

async function renderVariants(file: string, colour: Rgb | null, width: number, height: number, quality: number): Promise<Uint8Array[]> {
  const spec = PORTRAITS.find((s) => s.file === file);
  if (!spec) throw new Error(`unknown portrait ${file}`);
  const { image, face } = await framePortrait(spec, width, height);
  const camera = new ReactiveCameraModel(image, face, { ...BANK_SCENE, seed: hashSeed('frame-bank', file, String(colour)) });
  if (colour) camera.display(0, 0, colour);
  const raw = new Uint8Array(width * height * 3);
  const out: Uint8Array[] = [];
  for (let k = 0; k < VARIANTS; k++) {
    camera.render(SETTLED_MS + k * VARIANT_SPACING_MS, raw, 3);
    out.push(new Uint8Array(await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: Math.round(quality * 100) }).toBuffer()));
  }
  return out;
}
