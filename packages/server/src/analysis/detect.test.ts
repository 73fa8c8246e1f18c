import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeDetections } from './detect.js';

function outputs(rows: [score: number, x0: number, y0: number, x1: number, y1: number][]) {
  return {
    scores: Float32Array.from(rows.flatMap(([s]) => [1 - s, s])),
    boxes: Float32Array.from(rows.flatMap(([, ...b]) => b)),
  };
}

test('keeps confident boxes in pixels, best first, and suppresses overlaps', () => {
  const { scores, boxes } = outputs([
    [0.8, 0.1, 0.1, 0.3, 0.4],
    [0.95, 0.11, 0.1, 0.31, 0.41],
    [0.9, 0.6, 0.5, 0.8, 0.9],
    [0.2, 0.4, 0.4, 0.5, 0.5],
  ]);
  const dets = decodeDetections(scores, boxes, 200, 100, 0.5, 0.3);
  assert.equal(dets.length, 2);
  assert.ok(Math.abs(dets[0]!.score - 0.95) < 1e-6);
  assert.deepEqual(
    [dets[1]!.box.x, dets[1]!.box.y, dets[1]!.box.w, dets[1]!.box.h].map((v) => Math.round(v)),
    [120, 50, 40, 40],
  );
});

test('clamps boxes to the image and drops empty ones', () => {
  const { scores, boxes } = outputs([
    [0.9, -0.2, -0.1, 0.5, 0.5],
    [0.9, 0.7, 0.7, 0.7, 0.9],
  ]);
  const dets = decodeDetections(scores, boxes, 100, 100, 0.5, 0.3);
  assert.equal(dets.length, 1);
  assert.deepEqual(dets[0]!.box, { x: 0, y: 0, w: 50, h: 50 });
});
