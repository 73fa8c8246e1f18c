import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DECODE, ENCODE, ENCODE_STEPS, linearToSrgb, srgbToLinear, type Rgb } from './color.js';
import { faceFromBox, faceFromLandmarks, frameCrop, headCoords, inRegion, placeBox, type FaceGeometry } from './geometry.js';
import { meanLinear } from './measure.js';
import { ATTACK_MODES, ReactiveCameraModel, shufflePermutation, type Presentation, type RasterImage, type SceneInput } from './physics.js';
import { createRng, hashSeed } from './prng.js';
import { sampleScene } from './scenarios.js';
import { planSession } from './session.js';

const W = 160, H = 120;
const BOX = { x: 55, y: 22, w: 50, h: 66 };
const FACE = faceFromBox(BOX);

/** A synthetic portrait: skin-coloured head on a grey wall, with a little texture. */
function portrait(): RasterImage {
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const { u, v } = headCoords(FACE, x, y);
      const o = (y * W + x) * 3;
      const skin = u * u + v * v < 1;
      const tex = ((x * 7 + y * 13) % 9) - 4;
      const c: Rgb = skin ? [200, 150, 125] : [120, 118, 112];
      for (let k = 0; k < 3; k++) data[o + k] = c[k]! + tex;
    }
  }
  return { width: W, height: H, channels: 3, data };
}

const PORTRAIT = portrait();
const quiet: Partial<SceneInput> = {
  autoExposure: { strength: 0, tauMs: 400 },
  whiteBalance: { strength: 0, tauMs: 800 },
  drift: { amount: 0, tauMs: 1000 },
  motion: { px: 0, tauMs: 1000 },
  noise: { fullWell: 1e9, readNoise: 0 },
};

const camera = (presentation: Presentation, extra: Partial<SceneInput> = {}) =>
  new ReactiveCameraModel(PORTRAIT, FACE, { presentation, seed: 42, reflectionGain: 30, ...quiet, ...extra });

const inner = (g: FaceGeometry) => (x: number, y: number) => {
  const { u, v } = headCoords(g, x, y);
  return u * u + v * v < 0.5;
};
const wall = (x: number, _y: number) => x < 20 || x >= W - 20;
const face = inner(FACE);

/** Response in linear levels of a region between two frames. */
function response(a: ArrayLike<number>, b: ArrayLike<number>, region: (x: number, y: number) => boolean): Rgb {
  const m0 = meanLinear(a, W, H, 3, region), m1 = meanLinear(b, W, H, 3, region);
  return [(m1[0] - m0[0]) * 255, (m1[1] - m0[1]) * 255, (m1[2] - m0[2]) * 255];
}

/** Renders neutral at t=1000, the colour from t=1100, and a frame at `at`. */
function flash(cam: ReactiveCameraModel, rgb: Rgb, at: number) {
  const before = Uint8Array.from(cam.render(1000, undefined, 3));
  cam.display(1100, 0, rgb);
  let after: Uint8Array = before;
  for (let t = 1033; t <= at; t += 33) after = Uint8Array.from(cam.render(t, undefined, 3));
  return { before, after };
}

describe('colour transfer', () => {
  test('sRGB decode and encode round-trip every 8-bit code', () => {
    for (let v = 0; v < 256; v++) {
      assert.equal(Math.round(linearToSrgb(srgbToLinear(v))), v);
      assert.equal(ENCODE[Math.round(DECODE[v]! * (ENCODE_STEPS - 1))], v);
    }
  });
});

describe('seeded randomness', () => {
  test('the same seed gives the same stream; another seed another', () => {
    const a = createRng(7), b = createRng(7), c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.int());
    assert.deepEqual(Array.from({ length: 5 }, () => b.int()), xs);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c.int()), xs);
    assert.equal(hashSeed('genuine', 3), hashSeed('genuine', 3));
  });

  test('normal draws have mean 0 and standard deviation 1', () => {
    const rng = createRng(1);
    const xs = Array.from({ length: 20000 }, () => rng.gauss());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03, `${mean} ${sd}`);
  });

  test('frames are reproducible from the seed, and differ across seeds', () => {
    const render = (seed: number) => {
      const cam = new ReactiveCameraModel(PORTRAIT, FACE, { presentation: 'genuine', seed });
      cam.render(0, undefined, 3);
      cam.display(10, 0, [0, 0, 255]);
      return Uint8Array.from(cam.render(200, undefined, 3));
    };
    assert.deepEqual(render(5), render(5));
    assert.notDeepEqual(render(5), render(6));
  });
});

describe('face geometry', () => {
  test('a frame crop puts the face at the asked share of the height, centred', () => {
    const crop = frameCrop({ x: 382, y: 86, w: 222, h: 321 }, 640, 480);
    const placed = placeBox({ x: 382, y: 86, w: 222, h: 321 }, crop.placement);
    assert.ok(Math.abs(placed.h - 0.55 * 480) < 1e-6);
    assert.ok(Math.abs(placed.x + placed.w / 2 - 320) < 1e-6);
  });

  test('landmarks give a head ellipse close to the box one, and its roll', () => {
    // A frontal 68-point layout made from the box: jaw on the lower half-ellipse, brows, eyes.
    const g = FACE;
    const pts = Array.from({ length: 68 }, () => ({ x: g.cx, y: g.cy }));
    for (let i = 0; i <= 16; i++) {
      const a = Math.PI * (i / 16);
      pts[i] = { x: g.cx - g.rx * Math.cos(a), y: g.cy + 0.1 * g.ry + 0.85 * g.ry * Math.sin(a) };
    }
    for (let i = 17; i <= 26; i++) pts[i] = { x: g.cx + (i - 21.5) * 0.15 * g.rx, y: g.cy - 0.35 * g.ry };
    for (let i = 36; i <= 41; i++) pts[i] = { x: g.cx - 0.4 * g.rx, y: g.cy - 0.2 * g.ry };
    for (let i = 42; i <= 47; i++) pts[i] = { x: g.cx + 0.4 * g.rx, y: g.cy - 0.2 * g.ry };
    const fromLm = faceFromLandmarks(pts);
    assert.ok(Math.abs(fromLm.cx - g.cx) < 0.1 * g.rx);
    assert.ok(Math.abs(fromLm.rx - g.rx) < 0.15 * g.rx);
    assert.ok(Math.abs(fromLm.roll) < 1e-9);
    const turn = 0.2;
    const rotated = pts.map((p) => ({
      x: g.cx + (p.x - g.cx) * Math.cos(turn) - (p.y - g.cy) * Math.sin(turn),
      y: g.cy + (p.x - g.cx) * Math.sin(turn) + (p.y - g.cy) * Math.cos(turn),
    }));
    assert.ok(Math.abs(faceFromLandmarks(rotated).roll - turn) < 1e-9);
  });
});

describe('a live face', () => {
  test('responds per channel with the gain times the skin albedo, and the wall ~20x less', () => {
    const { before, after } = flash(camera('genuine'), [255, 255, 255], 1500);
    const r = response(before, after, face);
    const dLin = 1 - srgbToLinear(128);
    const expected = [1.25, 0.95, 0.8].map((a) => 30 * a * dLin);
    r.forEach((v, c) => assert.ok(Math.abs(v - expected[c]!) < 0.2 * expected[c]!, `channel ${c}: ${v} vs ${expected[c]}`));
    const w = response(before, after, wall);
    const faceLum = (r[0] + r[1] + r[2]) / 3, wallLum = (w[0] + w[1] + w[2]) / 3;
    assert.ok(wallLum > 0 && wallLum < faceLum / 8, `wall ${wallLum} vs face ${faceLum}`);
  });

  test('the centre of the face is brighter than the cheeks, and the cheeks than the jaw edge', () => {
    const cam = camera('genuine');
    const at = (u: number, v: number) => {
      const x = Math.round(FACE.cx + u * FACE.rx), y = Math.round(FACE.cy + v * FACE.ry);
      return cam.falloff[y * W + x]!;
    };
    assert.ok(at(0, 0) > at(0.55, 0.2), `${at(0, 0)} ${at(0.55, 0.2)}`);
    assert.ok(at(0.55, 0.2) > at(0.85, 0.3));
    assert.ok(at(0, 0) > 5 * cam.falloff[10 * W + 5]!);
  });

  test('the response appears only after the camera latency', () => {
    const cam = camera('genuine', { latencyMs: 90, exposureMs: 10, readoutMs: 0, panelDelayMs: 0 });
    const base = Uint8Array.from(cam.render(1000, undefined, 3));
    cam.display(1100, 0, [255, 0, 0]);
    const early = Uint8Array.from(cam.render(1150, undefined, 3));
    const late = Uint8Array.from(cam.render(1250, undefined, 3));
    assert.ok(Math.abs(response(base, early, face)[0]) < 0.5);
    assert.ok(response(base, late, face)[0] > 15);
  });

  test('auto-exposure and white balance undo part of a long flash', () => {
    const cam = camera('genuine', { autoExposure: { strength: 0.8, tauMs: 300 }, whiteBalance: { strength: 0.5, tauMs: 500 } });
    const before = Uint8Array.from(cam.render(1000, undefined, 3));
    cam.display(1100, 0, [255, 0, 0]);
    let early: Uint8Array | undefined, late: Uint8Array = before;
    for (let t = 1033; t <= 3000; t += 33) {
      late = Uint8Array.from(cam.render(t, undefined, 3));
      if (!early && t > 1250) early = late;
    }
    const a = response(before, early!, face)[0], b = response(before, late, face)[0];
    assert.ok(b < 0.85 * a && b > 0, `${a} then ${b}`);
  });

  test('sensor noise grows in a dim room and averages out over the face', () => {
    const sd = (level: number) => {
      const cam = new ReactiveCameraModel(PORTRAIT, FACE, { presentation: 'photo', seed: 3, ambient: { level, rgb: [1, 1, 1] } });
      const a = cam.render(0, undefined, 3), b = Uint8Array.from(cam.render(33, undefined, 3));
      let s = 0;
      for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
      return Math.sqrt(s / a.length / 2);
    };
    const bright = sd(1), dim = sd(0.1);
    assert.ok(bright > 0.5 && bright < 4, `bright ${bright}`);
    assert.ok(dim > 2 * bright, `dim ${dim} vs bright ${bright}`);
  });
});

describe('attacks', () => {
  test('replay and photo ignore the screen (within a fraction of a level)', () => {
    for (const mode of ['replay', 'photo'] as const) {
      const { before, after } = flash(camera(mode), [255, 255, 255], 1500);
      for (const v of response(before, after, face)) assert.ok(Math.abs(v) < 0.35, `${mode}: ${v}`);
    }
  });

  test('late responds 600 ms or more after the screen', () => {
    const cam = camera('late', { lateMs: 650 });
    const base = Uint8Array.from(cam.render(1000, undefined, 3));
    cam.display(1100, 0, [255, 0, 0]);
    let t = 1033;
    let first = Infinity;
    for (; t < 2200; t += 33) {
      const f = cam.render(t, undefined, 3);
      if (first === Infinity && response(base, f, face)[0] > 5) first = t;
    }
    assert.ok(first - 1100 >= 650, `responded ${first - 1100} ms after`);
  });

  test('shuffled responds to another colour of the sequence', () => {
    const seq: Rgb[] = [[255, 0, 0], [0, 0, 255]];
    const perm = shufflePermutation(createRng(1), seq);
    assert.deepEqual(perm, [1, 0]);
    const { before, after } = flash(camera('shuffled', { sequence: seq }), seq[0]!, 1500);
    const r = response(before, after, face);
    assert.ok(r[2] > r[0] + 5, `responded ${r.map((v) => v.toFixed(1))} to red`);
  });

  test('tint moves the wall as much as the face, relative to their brightness', () => {
    const { before, after } = flash(camera('tint'), [255, 255, 255], 1500);
    const rel = (region: (x: number, y: number) => boolean) => {
      const m = meanLinear(before, W, H, 3, region)[1] * 255;
      return response(before, after, region)[1] / m;
    };
    const f = rel(face), w = rel(wall);
    assert.ok(w > 0.7 * f && w < 1.3 * f, `face ${f} wall ${w}`);
  });

  test('flat: no 3-D falloff, and the surroundings on the held surface respond like the face', () => {
    for (const kind of ['print', 'tablet'] as const) {
      const cam = camera('flat', { flat: { kind, rect: { x: 0, y: 0, w: 1, h: 1 }, tilt: [0, 0] } });
      const centre = cam.falloff[Math.round(FACE.cy) * W + Math.round(FACE.cx)]!;
      const cheek = cam.falloff[Math.round(FACE.cy + 0.3 * FACE.ry) * W + Math.round(FACE.cx + 0.85 * FACE.rx)]!;
      assert.ok(Math.abs(centre - cheek) < 1e-6, kind);
      const { before, after } = flash(cam, [255, 255, 255], 1500);
      const f = response(before, after, face)[1], w = response(before, after, wall)[1];
      assert.ok(w > 0.4 * f, `${kind}: face ${f} wall ${w}`);
    }
  });

  test('every attack mode renders with sampled scene parameters', () => {
    for (const mode of ['genuine', ...ATTACK_MODES] as const) {
      const rng = createRng(hashSeed(mode));
      const cam = new ReactiveCameraModel(PORTRAIT, FACE, sampleScene(mode, rng, 9));
      cam.display(5, 0, [0, 255, 0]);
      const f = cam.render(100);
      assert.equal(f.length, W * H * 4);
      assert.ok(inRegion(FACE, 'forehead', FACE.cx, FACE.cy - 0.55 * FACE.ry));
    }
  });
});

describe('session timeline', () => {
  const challenge = {
    capture: { fps: 30, durationMs: 5000, maxFrames: 200 },
    colors: [
      { rgb: [255, 0, 0] as Rgb, ms: 300 },
      { rgb: [0, 0, 255] as Rgb, ms: 300 },
      { rgb: [0, 255, 0] as Rgb, ms: 400 },
    ],
  };

  test('warm-up, each colour late by 0–80 ms on the vsync grid and held its full ms, tail, frames at 30 fps', () => {
    const plan = planSession(challenge, createRng(2), { startT: 1000 });
    assert.equal(plan.displays.length, 4);
    const vsync = 1000 / 60;
    let due = 3000;
    plan.displays.forEach((d, i) => {
      assert.ok(d.t >= due && d.t <= due + 80 + vsync, `${d.t} vs ${due}`);
      assert.ok(Math.abs(d.t / vsync - Math.round(d.t / vsync)) < 1e-6);
      due = d.t + (challenge.colors[i]?.ms ?? 0);
    });
    const end = plan.displays.at(-1)!.t + 2000;
    assert.ok(Math.abs(plan.frames.length - (end - 1000) / (1000 / 30)) <= 1, `${plan.frames.length} frames`);
    assert.equal(plan.displays.at(-1)!.index, -1);
    assert.ok(plan.doneT >= end);
    for (let i = 1; i < plan.frames.length; i++) assert.ok(plan.frames[i]! > plan.frames[i - 1]!);
  });
});
