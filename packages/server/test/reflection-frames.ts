/**
 * Camera frames of a Dynamic session rendered from the physical model of
 * src/reflection/test-support.ts, per pixel, on a real portrait with the
 * landmarks the real models find on it.
 */
import type { ColorStep } from '@facelight/protocol';
import sharp from 'sharp';
import { FaceModels } from '../src/analysis/face-models.js';
import type { Point } from '../src/analysis/geometry.js';
import { fivePoints } from '../src/analysis/landmarks.js';
import { SRGB_TO_LINEAR_255, linearToSrgb } from '../src/reflection/srgb.js';
import {
  LATE_DELAY_MS,
  cameraDrift,
  gaussian,
  screenLight,
  screenScale,
  seeded,
  simulateTiming,
  type Scenario,
  type Timing,
} from '../src/reflection/test-support.js';
import { MODEL_DIR, face } from './data.js';

const W = 640, H = 480;
/** Screen light on a background a metre behind the face. */
const BACKGROUND_FALLOFF = 0.05;
const EXPOSURE = 0.7;

export interface Portrait {
  /** Linear levels (0–255 scale) under ambient light: the albedo the screen light multiplies. */
  linear: Float32Array;
  /** How much of the screen's light reaches each pixel, 1 where the face faces the screen. */
  falloff: Float32Array;
  landmarks: Point[];
  /** Mean linear RGB around the nose tip, where the falloff is 1. */
  centre: [number, number, number];
}

/** A 640x480 frame of a shared photo (the top kept, as a webcam frames a face) with its landmarks. */
export async function loadPortrait(name: string): Promise<Portrait> {
  const { data } = await sharp(face(name)).rotate().resize({ width: W, height: H, fit: 'cover', position: 'north' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const models = await FaceModels.load({ dir: MODEL_DIR });
  const img = { data: new Uint8Array(data), width: W, height: H };
  const top = (await models.detect(img, 0.7))[0];
  if (!top) throw new Error(`no face in ${name}`);
  const landmarks = await models.landmarks(img, top.box);
  await models.release();
  // A webcam exposes a face darker than a portrait photographer does, which leaves it headroom under the colours.
  const linear = Float32Array.from(data, (v) => EXPOSURE * SRGB_TO_LINEAR_255[v]!);
  const falloff = faceFalloff(landmarks);
  const nose = landmarks[30]!;
  const centre: [number, number, number] = [0, 0, 0];
  let n = 0;
  for (let y = Math.round(nose.y) - 6; y <= Math.round(nose.y) + 6; y++) {
    for (let x = Math.round(nose.x) - 6; x <= Math.round(nose.x) + 6; x++, n++) for (let c = 0; c < 3; c++) centre[c]! += linear[(y * W + x) * 3 + c]!;
  }
  return { linear, falloff, landmarks, centre: centre.map((v) => v / n) as [number, number, number] };
}

/**
 * Lambertian falloff over the head modelled as an ellipsoid (half-width a
 * from the jaw, height from the chin to the top of the head 1.5 eye distances
 * above the brows, depth 1.3 a): cos of the angle between the surface normal
 * and the screen direction.
 */
function faceFalloff(pts: readonly Point[]): Float32Array {
  const five = fivePoints(pts);
  const d = Math.hypot(five.leftEye.x - five.rightEye.x, five.leftEye.y - five.rightEye.y);
  const jaw = pts.slice(0, 17);
  const x0 = Math.min(...jaw.map((p) => p.x)), x1 = Math.max(...jaw.map((p) => p.x));
  const top = Math.min(...pts.slice(17, 27).map((p) => p.y)) - 1.5 * d, bottom = pts[8]!.y;
  const cx = (x0 + x1) / 2, cy = (top + bottom) / 2;
  const a = ((x1 - x0) / 2) * 1.05, b = (bottom - top) / 2, c = 1.3 * a;
  const out = new Float32Array(W * H).fill(BACKGROUND_FALLOFF);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = (x + 0.5 - cx) / a, v = (y + 0.5 - cy) / b;
      const r = 1 - u * u - v * v;
      if (r <= 0) continue;
      const w = Math.sqrt(r);
      const nz = w / c;
      out[y * W + x] = Math.max(BACKGROUND_FALLOFF, nz / Math.hypot(u / a, v / b, nz));
    }
  }
  return out;
}

export interface RenderedFrame {
  t: number;
  jpeg: Buffer;
}

/** Linear level (quarter-level steps, 0–1023) to 8-bit sRGB. */
const ENCODE = Uint8Array.from({ length: 4096 }, (_, i) => linearToSrgb(i / 4 / 255));
/** Sensor noise: 1.5 levels (8-bit) Gaussian, read from a shared table at a random offset per frame. */
const NOISE = (() => {
  const rand = seeded(7);
  return Int8Array.from({ length: 1 << 20 }, () => Math.round(1.5 * gaussian(rand)));
})();

/**
 * The frames a camera would capture, at the timing's frame times, for the
 * scenario (genuine or an attack), as JPEG at the challenge's quality.
 */
export async function renderFrames(portrait: Portrait, scenario: Scenario, colors: readonly ColorStep[], timing: Timing, jpegQuality = 80): Promise<RenderedFrame[]> {
  const rand = seeded(scenario.seed * 7919);
  const light = screenLight(colors, timing, scenario.attack);
  const drift = cameraDrift(rand);
  const delay = scenario.attack === 'late' ? LATE_DELAY_MS : scenario.delayMs;
  const k = screenScale(portrait.centre, scenario.gainLevels);
  const { linear, falloff } = portrait;
  const frames: RenderedFrame[] = [];
  const px = new Uint8Array(W * H * 3);
  for (const t of timing.frameTimes) {
    const s = light(t - delay - 30, t - delay);
    const dr = scenario.attack === 'photo' ? [1, 1, 1] : drift(t - timing.frameTimes[0]!);
    // Per channel: v = a·L + b·L·falloff + add.
    const a = [0, 1, 2].map((c) => (scenario.attack === 'flat' ? dr[c]! * (1 + k * s[c]!) : dr[c]!));
    const b = [0, 1, 2].map((c) => (scenario.attack === undefined || scenario.attack === 'late' || scenario.attack === 'shuffled' ? dr[c]! * k * s[c]! : 0));
    const add = [0, 1, 2].map((c) => (scenario.attack === 'tint' ? scenario.gainLevels * s[c]! : 0));
    let noise = Math.floor(rand() * (NOISE.length - px.length));
    for (let p = 0, i = 0; p < W * H; p++) {
      const f = falloff[p]!;
      for (let c = 0; c < 3; c++, i++) {
        const l = linear[i]!;
        const q = Math.min(4095, Math.max(0, Math.round(4 * (a[c]! * l + b[c]! * l * f + add[c]!))));
        px[i] = Math.min(255, Math.max(0, ENCODE[q]! + NOISE[noise++]!));
      }
    }
    frames.push({ t, jpeg: await sharp(px, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: jpegQuality }).toBuffer() });
  }
  return frames;
}

export { simulateTiming };
