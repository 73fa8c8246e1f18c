import { iou, type Box } from './geometry.js';

export interface Detection {
  box: Box;
  score: number;
}

/**
 * Turns the detector's decoded outputs (softmaxed `scores [N,2]`, corner-form
 * `boxes [N,4]` in 0–1) into pixel boxes, keeping candidates above
 * `minScore` and suppressing overlaps greedily from the highest score down.
 */
export function decodeDetections(
  scores: Float32Array,
  boxes: Float32Array,
  imageWidth: number,
  imageHeight: number,
  minScore: number,
  iouThreshold: number,
): Detection[] {
  const candidates: Detection[] = [];
  const count = scores.length / 2;
  for (let i = 0; i < count; i++) {
    const score = scores[i * 2 + 1]!;
    if (score < minScore) continue;
    const x0 = clamp01(boxes[i * 4]!) * imageWidth;
    const y0 = clamp01(boxes[i * 4 + 1]!) * imageHeight;
    const x1 = clamp01(boxes[i * 4 + 2]!) * imageWidth;
    const y1 = clamp01(boxes[i * 4 + 3]!) * imageHeight;
    if (x1 <= x0 || y1 <= y0) continue;
    candidates.push({ box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 }, score });
  }
  candidates.sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const c of candidates) {
    if (kept.every((k) => iou(k.box, c.box) <= iouThreshold)) kept.push(c);
  }
  return kept;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
