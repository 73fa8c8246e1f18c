/**
 * Scene parameters drawn for bench sessions: genuine users spanning weak to
 * strong reflection, dim to bright rooms, skin tones and cameras; attacks
 * drawn the same way plus what makes each attack what it is.
 */
import type { Rgb } from './color.js';
import type { Presentation, SceneInput } from './physics.js';
import type { Rng } from './prng.js';

/** Relative skin reflectance (per channel, about luminance 1) from light to dark skin: darker skin is redder relative to its luminance. */
export const SKIN_TONES: Rgb[] = [
  [1.22, 0.96, 0.82],
  [1.28, 0.94, 0.76],
  [1.34, 0.92, 0.7],
  [1.42, 0.89, 0.64],
];

export interface ScenarioRanges {
  /** Reflection gain, linear levels per full-scale channel (log-uniform). */
  gain: [number, number];
  /** Ambient level, 0.08 a dim room to 1 a bright office (log-uniform). */
  ambient: [number, number];
}

/** DESIGN §6: 6–9 levels is a weak reflection, ~50 a strong one. */
export const DEFAULT_RANGES: ScenarioRanges = { gain: [6, 50], ambient: [0.08, 1] };

export function sampleScene(presentation: Presentation, rng: Rng, seed: number, ranges: ScenarioRanges = DEFAULT_RANGES): SceneInput {
  const warmth = rng.uniform(-1, 1);
  const tone = rng.pick(SKIN_TONES);
  const jitter = () => rng.uniform(0.97, 1.03);
  const scene: SceneInput = {
    presentation,
    seed,
    reflectionGain: rng.logUniform(ranges.gain[0], ranges.gain[1]),
    skinAlbedo: [tone[0] * jitter(), tone[1] * jitter(), tone[2] * jitter()],
    ambient: { level: rng.logUniform(ranges.ambient[0], ranges.ambient[1]), rgb: [1 + 0.12 * warmth, 1, 1 - 0.12 * warmth] },
    backgroundFalloff: rng.uniform(0.03, 0.08),
    bodyFalloff: rng.uniform(0.2, 0.4),
    screenDirection: [rng.uniform(-0.1, 0.1), rng.uniform(0.15, 0.45), 1],
    wrap: rng.uniform(0.15, 0.35),
    specular: rng.uniform(0.05, 0.2),
    distance: rng.uniform(4.5, 8),
    // 1–3 frames at 30 fps between the panel and the frame that shows it.
    latencyMs: rng.uniform(33, 100),
    exposureMs: rng.uniform(10, 33),
    readoutMs: rng.uniform(10, 30),
    panelDelayMs: rng.uniform(4, 16),
    autoExposure: { strength: rng.uniform(0.2, 0.8), tauMs: rng.uniform(250, 600) },
    whiteBalance: { strength: rng.uniform(0.1, 0.5), tauMs: rng.uniform(500, 1200) },
    noise: { fullWell: rng.uniform(4000, 9000), readNoise: rng.uniform(2, 5) },
    drift: { amount: rng.uniform(0.002, 0.006), tauMs: rng.uniform(600, 2000) },
    motion: { px: rng.uniform(0.5, 3), tauMs: rng.uniform(800, 2500) },
  };
  switch (presentation) {
    case 'late':
      scene.lateMs = rng.uniform(600, 1200);
      break;
    case 'flat': {
      const full = rng.next() < 0.5;
      const w = full ? 1 : rng.uniform(0.7, 0.95), h = full ? 1 : rng.uniform(0.75, 0.95);
      scene.flat = {
        kind: rng.next() < 0.5 ? 'print' : 'tablet',
        rect: { x: rng.uniform(0, 1 - w), y: rng.uniform(0, 1 - h), w, h },
        tilt: [rng.uniform(-0.15, 0.15), rng.uniform(-0.15, 0.15)],
      };
      // Held close to the screen: a strong response is easy to get.
      scene.reflectionGain = rng.logUniform(10, 60);
      break;
    }
    case 'photo':
      scene.motion = { px: 0, tauMs: 1000 };
      break;
    default:
      break;
  }
  return scene;
}
