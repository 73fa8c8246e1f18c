import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { analyzeImage, knownFaceOf, REGIONS_ONLY } from '../src/analysis/analyze-face.js';
import { FaceModels, cosine, MODEL_SPECS } from '../src/analysis/face-models.js';
import { fivePoints } from '../src/analysis/landmarks.js';
import type { ChannelOrder, RgbImage } from '../src/analysis/raster.js';
import { MODEL_DIR, devIdentities, loadRgb } from './data.js';

const other = (o: ChannelOrder): ChannelOrder => (o === 'RGB' ? 'BGR' : 'RGB');
let chosen: FaceModels;
let swapped: FaceModels;
let dev: { id: string; img: RgbImage }[];

before(async () => {
  chosen = await FaceModels.load({ dir: MODEL_DIR });
  swapped = await FaceModels.load({
    dir: MODEL_DIR,
    channelOrders: { detect: other(MODEL_SPECS.detect.order), feature: other(MODEL_SPECS.feature.order), liveness: other(MODEL_SPECS.liveness.order) },
  });
  dev = await Promise.all(devIdentities().map(async ({ file, id }) => ({ id, img: await loadRgb(file) })));
});
after(async () => {
  await chosen.release();
  await swapped.release();
});

test('eye distances on the reference photos match the documented measurements', async () => {
  for (const [file, expected] of [['obama-1080p.jpg', 106], ['obama-720p.jpg', 71], ['obama-240p.jpg', 24], ['kit_harington_john1.jpeg', 51]] as const) {
    const a = await analyzeImage(chosen, await loadRgb(file));
    assert.ok(a.face, file);
    assert.ok(Math.abs(a.face.eyeDistancePx - expected) < 3, `${file}: ${a.face.eyeDistancePx}`);
  }
});

test('the detector finds no face in a white image and two in two_people.jpg', async () => {
  assert.equal((await analyzeImage(chosen, await loadRgb('white.png'))).faceCount, 0);
  assert.equal((await analyzeImage(chosen, await loadRgb('two_people.jpg'))).faceCount, 2);
});

test('a face known from an earlier frame is used as found: no detector, landmarks found again inside its box', async () => {
  const img = await loadRgb('obama-720p.jpg');
  const found = await analyzeImage(chosen, img, undefined, REGIONS_ONLY);
  const known = knownFaceOf(found);
  assert.ok(known && found.face?.regions);
  const same = await analyzeImage(chosen, img, undefined, REGIONS_ONLY, known);
  assert.deepEqual(same.face?.regions, found.face.regions);
  assert.equal(same.faceCount, found.faceCount);
  // The face moved since (here: the box is 8 % of its width off): the box is taken as given, not detected
  // again, and the landmarks still land on the face, far closer to where they were than the box moved.
  const shift = 0.08 * known.box.w;
  const moved = await analyzeImage(chosen, img, undefined, REGIONS_ONLY, { ...known, box: { ...known.box, x: known.box.x + shift } });
  assert.deepEqual(moved.face?.box, { ...known.box, x: known.box.x + shift });
  const drift = moved.face!.landmarks.reduce((sum, p, k) => sum + p.x - found.face!.landmarks[k]!.x, 0) / 68;
  assert.ok(Math.abs(drift) < shift / 2, `landmarks moved ${drift.toFixed(1)} px with a box ${shift.toFixed(1)} px off`);
  assert.equal(knownFaceOf(await analyzeImage(chosen, await loadRgb('white.png'))), null);
});

/** Sensitivity index between genuine and impostor similarity scores. */
async function separation(models: FaceModels): Promise<number> {
  const embs: { id: string; e: Float32Array }[] = [];
  for (const { id, img } of dev) {
    const det = (await models.detect(img, 0.5))[0];
    if (!det) continue;
    embs.push({ id, e: await models.embed(img, fivePoints(await models.landmarks(img, det.box))) });
  }
  const g: number[] = [], i: number[] = [];
  for (let a = 0; a < embs.length; a++) for (let b = a + 1; b < embs.length; b++) (embs[a]!.id === embs[b]!.id ? g : i).push(cosine(embs[a]!.e, embs[b]!.e));
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const variance = (v: number[]) => mean(v.map((x) => (x - mean(v)) ** 2));
  return (mean(g) - mean(i)) / Math.sqrt((variance(g) + variance(i)) / 2);
}

test('channel order, embedding: the chosen order separates identities better than the other', async () => {
  const [c, s] = [await separation(chosen), await separation(swapped)];
  assert.ok(c > s, `chosen d'=${c.toFixed(3)} swapped d'=${s.toFixed(3)}`);
});

test('channel order, anti-spoof and detector: real photos score as live and as faces at least as well', async () => {
  let liveChosen = 0, liveSwapped = 0, spuriousChosen = 0, spuriousSwapped = 0;
  for (const { img } of dev) {
    const [dc, ds] = [await chosen.detect(img, 0.5), await swapped.detect(img, 0.5)];
    spuriousChosen += Math.max(0, dc.length - 1);
    spuriousSwapped += Math.max(0, ds.length - 1);
    if (dc[0]) {
      liveChosen += await chosen.liveness(img, dc[0].box);
      liveSwapped += await swapped.liveness(img, dc[0].box);
    }
  }
  assert.ok(liveChosen > liveSwapped, `live ${liveChosen} vs ${liveSwapped}`);
  assert.ok(spuriousChosen <= spuriousSwapped, `spurious faces ${spuriousChosen} vs ${spuriousSwapped}`);
});

test('a corrupt or missing model file fails the load with the fix in the message', async () => {
  const { mkdtemp, writeFile, copyFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(tmpdir(), 'facelight-models-'));
  try {
    await assert.rejects(FaceModels.load({ dir }), /fr_\w+\.onnx is missing.*npm run models/);
    await copyFile(path.join(MODEL_DIR, 'manifest.json'), path.join(dir, 'manifest.json'));
    for (const f of ['fr_detect.onnx', 'fr_landmark.onnx', 'fr_feature.onnx', 'fr_liveness.onnx']) await writeFile(path.join(dir, f), 'not a model');
    await assert.rejects(FaceModels.load({ dir }), /is corrupt \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
