import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DETECTION_POLICY } from '../src/analysis/analyze-face.js';
import { createAnalysisPool } from '../src/analysis/pool.js';
import { MODEL_DIR, loadRgb } from './data.js';
import { longestStall } from './event-loop.js';

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
    const copy = () => ({ ...img, data: img.data.slice() });
    const { result: results, maxGapMs } = await longestStall(() =>
      Promise.all([pool.analyze(copy()), pool.analyze(copy()), pool.analyze(copy()), pool.analyze(copy())]),
    );
    assert.ok(results.every((r) => r.faceCount === 1 && r.face!.embedding.length === 512));
    // Inference on this thread would stall it for ~60 ms per model run.
    assert.ok(maxGapMs < 50, `event loop stalled for ${maxGapMs.toFixed(0)} ms`);
  } finally {
    await pool.close();
  }
});
