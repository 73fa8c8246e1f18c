import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_NEEDS, DEFAULT_DETECTION_POLICY, REGIONS_ONLY } from '../src/analysis/analyze-face.js';
import { createAnalysisPool, UndecodableImageError } from '../src/analysis/pool.js';
import { resize } from '../src/analysis/raster.js';
import { decodeCameraFrame } from '../src/image/normalise.js';
import sharp from 'sharp';
import { MODEL_DIR, loadRgb } from './data.js';
import { longestStall } from './event-loop.js';

/** A face as a 640x480 camera delivers it. */
async function cameraFrame() {
  const { data, width, height } = await loadRgb('obama.jpg');
  return resize({ data, width, height }, 640, 480);
}

test('a pool whose models cannot load reports why through ready and refuses work', async () => {
  const pool = createAnalysisPool({ models: { dir: '/nonexistent-facelight-models' }, detection: DEFAULT_DETECTION_POLICY, threads: 1 });
  try {
    await assert.rejects(pool.ready, /fr_\w+\.onnx is missing.*npm run models/);
    await assert.rejects(pool.analyze(await loadRgb('obama.jpg')), /failed to start/);
  } finally {
    await pool.close();
  }
});

test('two threads share the work and keep the event loop free', async () => {
  const pool = createAnalysisPool({ models: { dir: MODEL_DIR }, detection: DEFAULT_DETECTION_POLICY, threads: 2 });
  try {
    await pool.ready;
    const img = await loadRgb('obama-1080p.jpg');
    // Copied before the measure: four 6 MB copies in one go would be the test's own stall.
    const images = Array.from({ length: 4 }, () => ({ ...img, data: img.data.slice() }));
    const { result: results, maxGapMs } = await longestStall(() => Promise.all(images.map((image) => pool.analyze(image))));
    assert.ok(results.every((r) => r.faceCount === 1 && r.face!.embedding?.length === 512));
    // Inference on this thread would stall it for ~60 ms per model run.
    assert.ok(maxGapMs < 50, `event loop stalled for ${maxGapMs.toFixed(0)} ms`);
  } finally {
    await pool.close();
  }
});

test('Dynamic frames: the light analysis is a fraction of the full one, and two threads keep pace with 30 fps', async () => {
  const pool = createAnalysisPool({ models: { dir: MODEL_DIR }, detection: DEFAULT_DETECTION_POLICY, threads: 2 });
  try {
    await pool.ready;
    const frame = await cameraFrame();
    const copy = () => ({ ...frame, data: frame.data.slice() });
    const timed = async (n: number, needs: typeof ALL_NEEDS) => {
      const start = performance.now();
      for (let i = 0; i < n; i++) await pool.analyze(copy(), needs);
      return (performance.now() - start) / n;
    };
    await timed(2, ALL_NEEDS);
    const light = await timed(20, REGIONS_ONLY);
    const full = await timed(10, { ...ALL_NEEDS, regions: true });
    const regions = (await pool.analyze(copy(), REGIONS_ONLY)).face?.regions;
    assert.ok(regions && regions.forehead.every((v) => v > 0));
    // The Dynamic mix (one frame in five in full) on two threads, all frames queued at once.
    const n = 60;
    const start = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => pool.analyze(copy(), i % 5 === 0 ? { ...ALL_NEEDS, regions: true } : REGIONS_ONLY)));
    const fps = n / ((performance.now() - start) / 1000);
    console.log(`light ${light.toFixed(1)} ms, full ${full.toFixed(1)} ms a frame; the Dynamic mix on 2 threads: ${fps.toFixed(0)} frames/s`);
    assert.ok(light < full / 3, `light ${light} ms vs full ${full} ms`);
  } finally {
    await pool.close();
  }
});

test('a frame decoded in the worker is analysed as if decoded here; bytes that do not decode are refused', async () => {
  const pool = createAnalysisPool({ models: { dir: MODEL_DIR }, detection: DEFAULT_DETECTION_POLICY, threads: 1 });
  try {
    await pool.ready;
    const frame = await cameraFrame();
    const jpeg = await sharp(frame.data, { raw: { width: 640, height: 480, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
    const local = await pool.analyze(await decodeCameraFrame(jpeg, 640 * 480), REGIONS_ONLY);
    // A view into a larger buffer, as a frame arrives inside its stream message; it is left intact.
    const message = Buffer.concat([Buffer.alloc(32), jpeg]);
    const view = message.subarray(32);
    const remote = await pool.analyzeEncoded(view, 640 * 480, REGIONS_ONLY);
    assert.deepEqual(remote, local);
    assert.equal(view.length, jpeg.length);
    const faceless = await pool.analyzeEncoded(jpeg, 640 * 480, REGIONS_ONLY, null);
    assert.deepEqual(faceless, { width: 640, height: 480, faceCount: 0, face: null });
    await assert.rejects(pool.analyzeEncoded(jpeg.subarray(0, jpeg.length >> 1), 640 * 480, REGIONS_ONLY), UndecodableImageError);
    // The header checks come first, but the decoder enforces the pixel limit too.
    await assert.rejects(pool.analyzeEncoded(jpeg, 320 * 240, REGIONS_ONLY), UndecodableImageError);
    assert.equal((await pool.analyzeEncoded(jpeg, 640 * 480, REGIONS_ONLY)).faceCount, 1);
  } finally {
    await pool.close();
  }
});
