/**
 * A physical model of a camera filming a face lit by the screen that shows the
 * Dynamic challenge, and of the presentation attacks against it. Pure
 * TypeScript, no DOM and no Node API: the same code renders frames in Node
 * (bench:pad) and in the browser (the e2e reactive camera).
 *
 * In linear light, per pixel p and channel c, at screen colour S (linear)
 * against the neutral screen N:
 *
 *   scene_c(p, t) = base_c(p) · drift(t) + resp_c(p) · (S_c(t − latency) − N_c)
 *   frame_c(p, t) = encode( E(t) · wb_c(t) · scene_c(p + motion(t), t) + noise )
 *
 * base is the portrait under the room's ambient light (it stands for
 * albedo × ambient), resp the screen's contribution: gain × albedo × falloff,
 * where the falloff follows the head's 3-D shape (normal · screen direction and
 * inverse square of the distance), about 0.3 on the neck and shoulders and
 * ~0.05 on the far background. E and wb are the camera's auto-exposure and
 * white balance, which partly undo any change of the scene with a lag of a few
 * hundred ms; the noise is shot noise plus read noise, amplified by the sensor
 * gain a dim room needs. Each row of the frame integrates the screen over its
 * own exposure window (rolling shutter), 1–3 frames before the capture time.
 */
import { DECODE, ENCODE, ENCODE_STEPS, linearRgb, luminance, type Rgb } from './color.js';
import { headCoords, type FaceGeometry } from './geometry.js';
import { createRng, type Rng } from './prng.js';

export const ATTACK_MODES = ['replay', 'photo', 'shuffled', 'late', 'tint', 'flat'] as const;
export type AttackMode = (typeof ATTACK_MODES)[number];
export type Presentation = 'genuine' | AttackMode;

/** What each presentation is, in one line (for reports). */
export const PRESENTATIONS: Record<Presentation, string> = {
  genuine: 'a live face in front of the screen',
  replay: 'a pre-recorded video of the face: ignores the screen',
  photo: 'a static photo injected as the camera: no response, slight noise',
  shuffled: 'a face responding to a permutation of the emitted colours',
  late: 'a face responding 600 ms or more after the screen, outside any physical window',
  tint: 'an injected video whose whole frame, face and background alike, is tinted by the screen colour',
  flat: 'a photo or tablet held to the screen: uniform response over the held surface, no 3-D falloff',
};

/** An 8-bit sRGB raster, RGB or RGBA (alpha ignored). */
export interface RasterImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: ArrayLike<number>;
}

export interface SceneParams {
  presentation: Presentation;
  seed: number;
  /** Response of the face to a full-scale screen channel, in linear levels (0–255 scale): weak 6–9, strong ~50. */
  reflectionGain: number;
  /** Per-channel skin reflectance relative to its luminance (skin reflects red best). */
  skinAlbedo: Rgb;
  /** Room light: level 1 is a bright office, 0.1 a dim room (it sets the sensor gain, so the noise); rgb tints the scene. */
  ambient: { level: number; rgb: Rgb };
  /** Response of the far background relative to the face centre (inverse square: face at 45 cm, wall at 2 m ≈ 0.05). */
  backgroundFalloff: number;
  /** Response of the neck and shoulders relative to the face. */
  bodyFalloff: number;
  /** Direction from the face to the screen centre, camera coordinates (x right, y down, z towards the camera). */
  screenDirection: [number, number, number];
  /** The screen is a large source: light wraps this far around the terminator (0 = point source). */
  wrap: number;
  /** Colourless specular reflection at its peak, as a share of the gain (skin sheen on the forehead and nose). */
  specular: number;
  /** Distance to the screen in head half-widths (inverse-square falloff across the face's depth). */
  distance: number;
  /** Screen-to-frame latency: from the moment a colour is on the panel to the capture time of the frame showing it. */
  latencyMs: number;
  /** Exposure time of one row, and the rolling-shutter readout across all rows. */
  exposureMs: number;
  readoutMs: number;
  /** The panel shows a colour this long after its presentation time (scan-out and liquid-crystal response). */
  panelDelayMs: number;
  /** Auto-exposure: share of a brightness change it undoes at steady state, and its time constant. */
  autoExposure: { strength: number; tauMs: number };
  whiteBalance: { strength: number; tauMs: number };
  /** Sensor: electrons at full scale and read noise in electrons (before the gain of a dim room). */
  noise: { fullWell: number; readNoise: number };
  /** Slow ambient fluctuation (relative, standard deviation) and its time constant. */
  drift: { amount: number; tauMs: number };
  /** Head sway in pixels (standard deviation) and its time constant. */
  motion: { px: number; tauMs: number };
  /** The screen colour when no challenge colour is shown. */
  neutral: Rgb;
  /** late: extra delay of the response. */
  lateMs: number;
  /** shuffled: the challenge's colours; the response follows `permutation` of them (drawn from the seed if absent). */
  sequence?: Rgb[];
  permutation?: number[];
  /** flat: a print reflects with its own colours; a tablet's glass reflects colourlessly. */
  flat: { kind: 'print' | 'tablet'; /** the held surface, as shares of the frame */ rect: { x: number; y: number; w: number; h: number }; /** linear gradient of the response across the surface (tilt) */ tilt: [number, number] };
}

export const DEFAULT_SCENE: SceneParams = {
  presentation: 'genuine',
  seed: 1,
  reflectionGain: 20,
  skinAlbedo: [1.25, 0.95, 0.8],
  ambient: { level: 0.5, rgb: [1, 1, 1] },
  backgroundFalloff: 0.05,
  bodyFalloff: 0.3,
  screenDirection: [0, 0.3, 1],
  wrap: 0.25,
  specular: 0.12,
  distance: 6,
  latencyMs: 66,
  exposureMs: 30,
  readoutMs: 20,
  panelDelayMs: 8,
  autoExposure: { strength: 0.5, tauMs: 400 },
  whiteBalance: { strength: 0.3, tauMs: 800 },
  noise: { fullWell: 6000, readNoise: 3 },
  drift: { amount: 0.004, tauMs: 1200 },
  motion: { px: 1.5, tauMs: 1500 },
  neutral: [128, 128, 128],
  lateMs: 700,
  flat: { kind: 'print', rect: { x: 0, y: 0, w: 1, h: 1 }, tilt: [0.05, 0.08] },
};

export type SceneInput = Partial<SceneParams> & { presentation: Presentation };

/** What a presentation's camera does: who responds to the screen, and which camera behaviours apply. */
interface Behaviour {
  responds: boolean;
  shape: 'head' | 'uniform-relative' | 'flat';
  camera: boolean;
  moves: boolean;
  drifts: boolean;
}

const BEHAVIOUR: Record<Presentation, Behaviour> = {
  genuine: { responds: true, shape: 'head', camera: true, moves: true, drifts: true },
  shuffled: { responds: true, shape: 'head', camera: true, moves: true, drifts: true },
  late: { responds: true, shape: 'head', camera: true, moves: true, drifts: true },
  // A recording: its camera once adapted to a steady scene; the screen here plays no part.
  replay: { responds: false, shape: 'head', camera: false, moves: true, drifts: true },
  photo: { responds: false, shape: 'head', camera: false, moves: false, drifts: false },
  // The attacker's filter is applied after any camera, uniformly in relative terms.
  tint: { responds: true, shape: 'uniform-relative', camera: false, moves: true, drifts: true },
  // A real camera films a held print or tablet.
  flat: { responds: true, shape: 'flat', camera: true, moves: true, drifts: true },
};

interface Switch {
  t: number;
  lin: Rgb;
}

/** Ornstein–Uhlenbeck process (stationary, unit time constant in ms). */
class Ou {
  value: number;
  constructor(
    private readonly rng: Rng,
    private readonly sigma: number,
    private readonly tauMs: number,
  ) {
    this.value = sigma * rng.gauss();
  }
  step(dt: number): number {
    if (dt > 0 && this.sigma > 0) {
      const a = Math.exp(-dt / this.tauMs);
      this.value = this.value * a + this.sigma * Math.sqrt(1 - a * a) * this.rng.gauss();
    }
    return this.value;
  }
}

const NOISE_TABLE_BITS = 18;
const SIGMA_STEPS = 1024;

export class ReactiveCameraModel {
  readonly width: number;
  readonly height: number;
  readonly params: SceneParams;
  /** Linear portrait under the ambient light, RGB interleaved. */
  readonly base: Float32Array;
  /** Linear response per unit of linear screen change, RGB interleaved. */
  readonly resp: Float32Array;
  /** Relative falloff of the screen light (1 ≈ face centre), for inspection and tests. */
  readonly falloff: Float32Array;
  private readonly behaviour: Behaviour;
  private readonly neutralLin: Rgb;
  private readonly switches: Switch[] = [];
  private readonly rng: Rng;
  private readonly noiseTable: Float32Array;
  private noiseState: number;
  private readonly meanBase = new Float64Array(3);
  private readonly meanResp = new Float64Array(3);
  private readonly driftOu: Ou;
  private readonly swayX: Ou;
  private readonly swayY: Ou;
  private lastT: number | undefined;
  private exposure = 1;
  private readonly wb = Float64Array.of(1, 1, 1);
  private readonly gain: number;
  private permutation: number[] | undefined;
  private readonly fallbackRng: Rng;
  private sigma: Float32Array | undefined;
  private sigmaFor = Number.NaN;

  constructor(portrait: RasterImage, face: FaceGeometry, input: SceneInput) {
    const params: SceneParams = { ...DEFAULT_SCENE, ...input };
    this.params = params;
    this.behaviour = BEHAVIOUR[params.presentation];
    const { width, height } = portrait;
    this.width = width;
    this.height = height;
    this.rng = createRng(params.seed);
    this.neutralLin = linearRgb(params.neutral);
    this.switches.push({ t: -Infinity, lin: this.neutralLin });
    const n = width * height;
    this.base = new Float32Array(n * 3);
    this.resp = new Float32Array(n * 3);
    this.falloff = new Float32Array(n);

    // Base: the portrait in linear light, under the ambient colour.
    const amb = params.ambient.rgb;
    const ambLum = luminance(amb[0], amb[1], amb[2]) || 1;
    const src = portrait.data, ch = portrait.channels;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) this.base[i * 3 + c] = DECODE[src[i * ch + c]! | 0]! * (amb[c]! / ambLum);
    }

    // Brightness of the inner face, which the albedo and response are relative to.
    let faceLum = 0, faceCount = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const { u, v } = headCoords(face, x, y);
        if (u * u + v * v < 0.5) {
          const i = (y * width + x) * 3;
          faceLum += luminance(this.base[i]!, this.base[i + 1]!, this.base[i + 2]!);
          faceCount++;
        }
      }
    }
    faceLum = faceCount > 0 ? Math.max(1e-3, faceLum / faceCount) : 0.2;

    this.buildResponse(face, faceLum);

    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        this.meanBase[c] = this.meanBase[c]! + this.base[i * 3 + c]! / n;
        this.meanResp[c] = this.meanResp[c]! + this.resp[i * 3 + c]! / n;
      }
    }

    const tableRng = this.rng.fork('noise');
    this.noiseTable = new Float32Array(1 << NOISE_TABLE_BITS);
    for (let i = 0; i < this.noiseTable.length; i++) this.noiseTable[i] = tableRng.gauss();
    this.noiseState = (this.rng.int() | 1) >>> 0;
    this.driftOu = new Ou(this.rng.fork('drift'), this.behaviour.drifts ? params.drift.amount : 0, params.drift.tauMs);
    const sway = this.behaviour.moves ? params.motion.px : 0;
    this.swayX = new Ou(this.rng.fork('sway-x'), sway, params.motion.tauMs);
    this.swayY = new Ou(this.rng.fork('sway-y'), sway * 0.6, params.motion.tauMs);
    // A dim room needs sensor gain, which amplifies the noise.
    this.gain = Math.min(8, Math.max(1, 1 / Math.max(0.01, params.ambient.level)));
    this.fallbackRng = this.rng.fork('shuffle-fallback');
    this.permutation = params.presentation === 'shuffled' ? (params.permutation ?? (params.sequence ? shufflePermutation(this.rng.fork('perm'), params.sequence) : undefined)) : undefined;
  }

  private buildResponse(face: FaceGeometry, faceLum: number): void {
    const { width, height, params } = this;
    const g = params.reflectionGain / 255;
    const shape = this.behaviour.shape;
    if (!this.behaviour.responds) return;
    if (shape === 'uniform-relative' || (shape === 'flat' && params.flat.kind === 'print')) {
      // A colour filter on the whole frame, or a print: every pixel responds in proportion to its own colour.
      const k = g / faceLum;
      const { rect, tilt } = params.flat;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          let f = 1;
          if (shape === 'flat') {
            const fx = x / width, fy = y / height;
            const inside = fx >= rect.x && fx < rect.x + rect.w && fy >= rect.y && fy < rect.y + rect.h;
            f = inside ? 1 + tilt[0] * (fx - 0.5) * 2 + tilt[1] * (fy - 0.5) * 2 : params.backgroundFalloff;
          }
          this.falloff[i] = f;
          for (let c = 0; c < 3; c++) this.resp[i * 3 + c] = k * f * this.base[i * 3 + c]!;
        }
      }
      return;
    }
    if (shape === 'flat') {
      // A tablet's glass: a colourless, uniform reflection over the held surface.
      const { rect, tilt } = params.flat;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          const fx = x / width, fy = y / height;
          const inside = fx >= rect.x && fx < rect.x + rect.w && fy >= rect.y && fy < rect.y + rect.h;
          const f = inside ? 1 + tilt[0] * (fx - 0.5) * 2 + tilt[1] * (fy - 0.5) * 2 : params.backgroundFalloff;
          this.falloff[i] = f;
          const a = inside ? 1 : (this.base[i * 3]! + this.base[i * 3 + 1]! + this.base[i * 3 + 2]!) / 3 / faceLum;
          for (let c = 0; c < 3; c++) this.resp[i * 3 + c] = g * f * a;
        }
      }
      return;
    }

    // A head: an ellipsoid lit by a large screen in front of and a little below the eyes.
    const [sx0, sy0, sz0] = params.screenDirection;
    const sn = Math.hypot(sx0, sy0, sz0);
    const sx = sx0 / sn, sy = sy0 / sn, sz = sz0 / sn;
    const hn = Math.hypot(sx, sy, sz + 1);
    const hx = sx / hn, hy = sy / hn, hz = (sz + 1) / hn;
    const cosR = Math.cos(face.roll), sinR = Math.sin(face.roll);
    const rz = face.depth * face.rx;
    const dist = params.distance * face.rx;
    const albedo = params.skinAlbedo;
    const chinV = 1;
    const shine = new Float32Array(width * height);
    let norm = 0, normCount = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const { u, v } = headCoords(face, x, y);
        const r2 = u * u + v * v;
        // Soft edge of the head over the outer 8 % of its radius.
        const m = r2 >= 1 ? 0 : r2 <= 0.84 ? 1 : smoothstep((1 - r2) / 0.16);
        let fHead = 0, spec = 0;
        if (m > 0) {
          const w = Math.sqrt(Math.max(0, 1 - r2));
          // Ellipsoid normal (gradient of x²/rx² + y²/ry² + z²/rz²), then back to image axes.
          let nx = u / face.rx, ny = v / face.ry, nz = w / rz;
          const nl = Math.hypot(nx, ny, nz);
          nx /= nl;
          ny /= nl;
          nz /= nl;
          const ix = nx * cosR - ny * sinR, iy = nx * sinR + ny * cosR;
          const lambert = Math.max(0, (ix * sx + iy * sy + nz * sz + params.wrap) / (1 + params.wrap));
          const depth = rz * w; // towards the screen
          const inverseSquare = ((dist - rz) / (dist - depth)) ** 2;
          fHead = lambert * inverseSquare;
          spec = Math.max(0, ix * hx + iy * hy + nz * hz) ** 24 * inverseSquare;
        }
        // Neck and shoulders below the chin, widening downwards.
        let fBody = 0;
        if (v > chinV * 0.85) {
          const below = v - chinV * 0.85;
          const halfWidth = 0.55 + below * 1.6;
          const edge = Math.abs(u) / halfWidth;
          fBody = edge >= 1 ? 0 : edge <= 0.85 ? 1 : smoothstep((1 - edge) / 0.15);
          fBody *= Math.min(1, below / 0.15);
        }
        const fOther = fBody * params.bodyFalloff + (1 - fBody) * params.backgroundFalloff;
        this.falloff[i] = m * fHead + (1 - m) * fOther;
        shine[i] = m * spec;
        if (r2 < 0.5) {
          const j = i * 3;
          const tex = luminance(this.base[j]!, this.base[j + 1]!, this.base[j + 2]!) / faceLum;
          norm += tex * fHead;
          normCount++;
        }
      }
    }
    // The gain is the response of the inner face on average.
    const scale = normCount > 0 && norm > 0 ? normCount / norm : 1;
    for (let i = 0; i < width * height; i++) {
      const j = i * 3;
      const { u, v } = headCoords(face, i % width, Math.floor(i / width));
      const r2 = u * u + v * v;
      const m = r2 >= 1 ? 0 : r2 <= 0.84 ? 1 : smoothstep((1 - r2) / 0.16);
      const tex = Math.min(3, Math.max(0.05, luminance(this.base[j]!, this.base[j + 1]!, this.base[j + 2]!) / faceLum));
      const f = this.falloff[i]! * scale;
      this.falloff[i] = f;
      for (let c = 0; c < 3; c++) {
        const skin = albedo[c]! * tex;
        const other = this.base[j + c]! / faceLum;
        this.resp[j + c] = g * f * (m * skin + (1 - m) * other) + g * params.specular * shine[i]! * scale;
      }
    }
  }

  /** shuffled: the challenge's colours, once known (a pre-recorded response to them in another order). */
  setSequence(colors: readonly (readonly [number, number, number])[]): void {
    const sequence = colors.map((c): Rgb => [c[0], c[1], c[2]]);
    this.params.sequence = sequence;
    if (this.params.presentation === 'shuffled') this.permutation = this.params.permutation ?? shufflePermutation(this.rng.fork('perm'), sequence);
  }

  /**
   * The screen presented challenge colour `index` (its rgb) at page time `t`
   * (the rAF time of the first frame showing it); index -1: the screen is back
   * to its neutral look. Calls must come in time order.
   */
  display(t: number, index: number, rgb?: Readonly<Rgb>): void {
    if (!this.behaviour.responds) return;
    const p = this.params;
    let colour: Rgb = index < 0 || !rgb ? p.neutral : [rgb[0], rgb[1], rgb[2]];
    if (p.presentation === 'shuffled' && index >= 0) {
      const seq = p.sequence;
      const k = this.permutation?.[index];
      if (seq && k !== undefined && seq[k]) colour = seq[k];
      else colour = otherColour(this.fallbackRng, colour);
    }
    const at = t + p.panelDelayMs + (p.presentation === 'late' ? p.lateMs : 0);
    const last = this.switches[this.switches.length - 1]!;
    this.switches.push({ t: Math.max(at, last.t), lin: linearRgb(colour) });
  }

  /** Average linear screen colour over [t1, t2]. */
  private screenOver(t1: number, t2: number, out: Rgb): void {
    out[0] = out[1] = out[2] = 0;
    const sw = this.switches;
    let k = sw.length - 1;
    while (k > 0 && sw[k]!.t > t1) k--;
    const span = Math.max(1e-6, t2 - t1);
    let from = t1;
    for (; k < sw.length; k++) {
      const end = Math.min(t2, k + 1 < sw.length ? sw[k + 1]!.t : Infinity);
      if (end > from) {
        const w = (end - from) / span;
        const lin = sw[k]!.lin;
        out[0] += lin[0] * w;
        out[1] += lin[1] * w;
        out[2] += lin[2] * w;
        from = end;
      }
      if (from >= t2) break;
    }
  }

  /**
   * Renders the frame captured at page time `t` (calls in increasing t) into
   * `out` (RGBA or RGB, 8-bit sRGB).
   */
  render(t: number, out?: Uint8Array | Uint8ClampedArray, channels: 3 | 4 = 4): Uint8Array | Uint8ClampedArray {
    const { width, height, params: p, behaviour } = this;
    const frame = out ?? new Uint8ClampedArray(width * height * channels);
    const dt = this.lastT === undefined ? 0 : Math.max(0, t - this.lastT);
    this.lastT = t;

    // Screen seen by each row: its own exposure window, latency before the capture time.
    const rowDelta = new Float32Array(height * 3);
    const seen: Rgb = [0, 0, 0];
    const nl = this.neutralLin;
    for (let y = 0; y < height; y++) {
      const end = t - p.latencyMs - p.readoutMs * (1 - y / Math.max(1, height - 1));
      this.screenOver(end - p.exposureMs, end, seen);
      rowDelta[y * 3] = seen[0] - nl[0];
      rowDelta[y * 3 + 1] = seen[1] - nl[1];
      rowDelta[y * 3 + 2] = seen[2] - nl[2];
    }

    const drift = 1 + this.driftOu.step(dt);
    if (behaviour.camera) {
      // What the metering sees (mid-frame row), and how far exposure and white balance have followed it.
      const mid = Math.floor(height / 2) * 3;
      const s: Rgb = [0, 0, 0];
      const s0: Rgb = [0, 0, 0];
      for (let c = 0; c < 3; c++) {
        s[c] = this.meanBase[c]! * drift + this.meanResp[c]! * rowDelta[mid + c]!;
        s0[c] = this.meanBase[c]!;
      }
      const y = luminance(s[0], s[1], s[2]), y0 = luminance(s0[0], s0[1], s0[2]);
      const eTarget = (y0 / Math.max(1e-6, y)) ** p.autoExposure.strength;
      this.exposure += (eTarget - this.exposure) * (1 - Math.exp(-dt / p.autoExposure.tauMs));
      const grey = (s[0] + s[1] + s[2]) / 3, grey0 = (s0[0] + s0[1] + s0[2]) / 3;
      const target: Rgb = [0, 0, 0];
      for (let c = 0; c < 3; c++) target[c] = ((grey / Math.max(1e-6, s[c]!)) / (grey0 / Math.max(1e-6, s0[c]!))) ** p.whiteBalance.strength;
      // Keep the luminance: white balance moves chroma only.
      const tl = luminance(target[0], target[1], target[2]);
      const a = 1 - Math.exp(-dt / p.whiteBalance.tauMs);
      for (let c = 0; c < 3; c++) this.wb[c] = this.wb[c]! + (target[c]! / tl - this.wb[c]!) * a;
    }

    const dx = Math.round(this.swayX.step(dt)), dy = Math.round(this.swayY.step(dt));
    // Noise standard deviation by signal level: shot noise plus read noise, amplified by the sensor gain.
    const shot = this.gain / p.noise.fullWell;
    const read = (p.noise.readNoise * this.gain) / p.noise.fullWell;
    const sigma = this.sigma ??= new Float32Array(SIGMA_STEPS + 1);
    if (this.sigmaFor !== shot + read) {
      for (let i = 0; i <= SIGMA_STEPS; i++) sigma[i] = Math.sqrt((i / SIGMA_STEPS) * 1.5 * shot + read * read);
      this.sigmaFor = shot + read;
    }
    const sigmaScale = SIGMA_STEPS / 1.5;
    const table = this.noiseTable;
    const shift = 32 - NOISE_TABLE_BITS;
    let st = this.noiseState;
    const scale = ENCODE_STEPS - 1;
    const g0 = this.exposure * this.wb[0]!, g1 = this.exposure * this.wb[1]!, g2 = this.exposure * this.wb[2]!;
    const b0 = drift * g0, b1 = drift * g1, b2 = drift * g2;
    const base = this.base, resp = this.resp;
    const encode = (v: number) => ENCODE[v <= 0 ? 0 : v >= 1 ? ENCODE_STEPS : (v * scale + 0.5) | 0]!;
    for (let y = 0; y < height; y++) {
      const sy = Math.min(height - 1, Math.max(0, y - dy));
      const r0 = rowDelta[y * 3]! * g0, r1 = rowDelta[y * 3 + 1]! * g1, r2 = rowDelta[y * 3 + 2]! * g2;
      let o = y * width * channels;
      const rowStart = sy * width;
      for (let x = 0; x < width; x++) {
        const sx = x - dx < 0 ? 0 : x - dx >= width ? width - 1 : x - dx;
        const j = (rowStart + sx) * 3;
        let v0 = base[j]! * b0 + resp[j]! * r0;
        let v1 = base[j + 1]! * b1 + resp[j + 1]! * r1;
        let v2 = base[j + 2]! * b2 + resp[j + 2]! * r2;
        if (v0 < 0) v0 = 0;
        if (v1 < 0) v1 = 0;
        if (v2 < 0) v2 = 0;
        st ^= st << 13;
        st ^= st >>> 17;
        st ^= st << 5;
        v0 += sigma[v0 >= 1.5 ? SIGMA_STEPS : (v0 * sigmaScale) | 0]! * table[st >>> shift]!;
        st ^= st << 13;
        st ^= st >>> 17;
        st ^= st << 5;
        v1 += sigma[v1 >= 1.5 ? SIGMA_STEPS : (v1 * sigmaScale) | 0]! * table[st >>> shift]!;
        st ^= st << 13;
        st ^= st >>> 17;
        st ^= st << 5;
        v2 += sigma[v2 >= 1.5 ? SIGMA_STEPS : (v2 * sigmaScale) | 0]! * table[st >>> shift]!;
        frame[o] = encode(v0);
        frame[o + 1] = encode(v1);
        frame[o + 2] = encode(v2);
        if (channels === 4) frame[o + 3] = 255;
        o += channels;
      }
    }
    this.noiseState = st >>> 0 || 1;
    return frame;
  }
}

function smoothstep(x: number): number {
  const c = x <= 0 ? 0 : x >= 1 ? 1 : x;
  return c * c * (3 - 2 * c);
}

const sameRgb = (a: Readonly<Rgb>, b: Readonly<Rgb>) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];

/** A permutation of the sequence that puts, wherever possible, a different colour at every position. */
export function shufflePermutation(rng: Rng, sequence: readonly Rgb[]): number[] {
  const n = sequence.length;
  let best = sequence.map((_, i) => i);
  let bestFixed = n + 1;
  for (let attempt = 0; attempt < 200 && bestFixed > 0; attempt++) {
    const p = sequence.map((_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    const fixed = p.filter((k, i) => sameRgb(sequence[k]!, sequence[i]!)).length;
    if (fixed < bestFixed) {
      best = p;
      bestFixed = fixed;
    }
  }
  return best;
}

/** Without the sequence: a different saturated colour of a generic palette. */
function otherColour(rng: Rng, not: Readonly<Rgb>): Rgb {
  const palette: Rgb[] = [
    [255, 255, 255], [0, 0, 255], [0, 255, 0], [255, 255, 0], [0, 255, 255], [255, 0, 255], [0, 0, 0], [255, 128, 0],
  ];
  const options = palette.filter((c) => !sameRgb(c, not));
  return rng.pick(options);
}
