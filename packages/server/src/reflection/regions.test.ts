import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { FaceModels } from '../analysis/face-models.js';
import type { Point } from '../analysis/geometry.js';
import type { RgbImage } from '../analysis/raster.js';
import { MODEL_DIR, loadRgb } from '../../test/data.js';
import { measureRegions, regionShapes, SKIN_REGIONS } from './regions.js';
import { srgbToLinear } from './srgb.js';

let landmarks: Point[];
let photo: RgbImage;
before(async () => {
  photo = await loadRgb('obama.jpg');
  const models = await FaceModels.load({ dir: MODEL_DIR });
  landmarks = await models.landmarks(photo, (await models.detect(photo, 0.7))[0]!.box);
  await models.release();
});

const ys = (pts: Point[]) => pts.map((p) => p.y);
const xs = (pts: Point[]) => pts.map((p) => p.x);

test('regions sit where the face is: forehead above the brows, cheeks beside the nose below the eyes, background beside the jaw', () => {
  const { skin, background } = regionShapes(landmarks);
  const browTop = Math.min(...ys(landmarks.slice(17, 27)));
  assert.ok(Math.max(...ys(skin.forehead)) < Math.max(...ys(landmarks.slice(17, 27))));
  assert.ok(Math.min(...ys(skin.forehead)) < browTop);
  const eyeLevel = ys(landmarks.slice(36, 48)).reduce((a, y) => a + y, 0) / 12;
  // The subject's right cheek is on the image's left.
  assert.ok(Math.max(...xs(skin.rightCheek)) < landmarks[31]!.x && Math.min(...xs(skin.leftCheek)) > landmarks[35]!.x);
  const mouth = landmarks[51]!.y;
  for (const cheek of [skin.rightCheek, skin.leftCheek]) {
    const centreY = ys(cheek).reduce((a, y) => a + y, 0) / cheek.length;
    assert.ok(centreY > eyeLevel && centreY < mouth, `cheek centre at ${centreY}, eyes at ${eyeLevel}, mouth at ${mouth}`);
  }
  assert.ok(Math.min(...xs(skin.nose)) > landmarks[31]!.x - 1 && Math.max(...xs(skin.nose)) < landmarks[35]!.x + 1 && Math.max(...ys(skin.nose)) <= landmarks[33]!.y);
  const jaw = landmarks.slice(0, 17);
  assert.ok(Math.max(...xs(background[0]!)) < Math.min(...xs(jaw)) && Math.min(...xs(background[1]!)) > Math.max(...xs(jaw)));
});

test('means are of linear light: a black-and-white checkerboard averages to half of full scale, not to sRGB 128', () => {
  const { width, height } = photo;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.fill((x + y) % 2 ? 255 : 0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  const means = measureRegions({ data, width, height }, landmarks)!;
  for (const r of SKIN_REGIONS) for (const v of means[r]) assert.ok(Math.abs(v - 127.5) < 8, `${r} ${v}`);
});

test('each region reads its own pixels; the background is null when its bands leave the image', () => {
  const { width, height } = photo;
  const grey = (v: number) => ({ data: new Uint8Array(width * height * 3).fill(v), width, height });
  const uniform = measureRegions(grey(128), landmarks)!;
  assert.ok(Math.abs(uniform.nose[1] - 255 * srgbToLinear(128)) < 1e-9);
  assert.ok(uniform.background !== null);
  // Image left (the subject's right cheek) red-tinted, image right blue-tinted.
  const split = grey(128);
  const mid = landmarks[30]!.x;
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) split.data[(y * width + x) * 3 + (x < mid ? 0 : 2)] = 255;
  const m = measureRegions(split, landmarks)!;
  assert.ok(m.rightCheek[0] > 200 && m.rightCheek[2] < 60 && m.leftCheek[2] > 200 && m.leftCheek[0] < 60);
  // A crop around the face alone: no background bands inside it.
  const box = { x0: Math.floor(Math.min(...xs(landmarks))) - 5, x1: Math.ceil(Math.max(...xs(landmarks))) + 5 };
  const shifted = landmarks.map((p) => ({ x: p.x - box.x0, y: p.y }));
  assert.equal(measureRegions({ data: new Uint8Array((box.x1 - box.x0) * height * 3).fill(128), width: box.x1 - box.x0, height }, shifted)?.background, null);
});

test('a face too small for its regions gives no measurement', () => {
  const tiny = landmarks.map((p) => ({ x: 20 + (p.x - landmarks[30]!.x) * 0.05, y: 20 + (p.y - landmarks[30]!.y) * 0.05 }));
  assert.equal(measureRegions(photo, tiny), null);
});
