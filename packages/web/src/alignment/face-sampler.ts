import type { Box } from './face-geometry.js';
import { frameStats, type FrameStats } from './frame-stats.js';

/** Fixed crop size, so sharpness compares across face sizes and cameras. */
const SAMPLE_SIZE = 112;
/** Trim the mesh box so cheek edges do not mix in background. */
const INSET = 0.1;

/** Reads exposure and sharpness of the face region from the current video frame. */
export class FaceSampler {
  private readonly ctx: CanvasRenderingContext2D | null;

  constructor() {
    const canvas = document.createElement('canvas');
    canvas.width = SAMPLE_SIZE;
    canvas.height = SAMPLE_SIZE;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
  }

  sample(video: HTMLVideoElement, box: Box): FrameStats | undefined {
    const vw = video.videoWidth;
    const vh = video.videoHeight;
    const x = Math.max(0, (box.x + box.w * INSET) * vw);
    const y = Math.max(0, (box.y + box.h * INSET) * vh);
    const w = Math.min(vw - x, box.w * (1 - 2 * INSET) * vw);
    const h = Math.min(vh - y, box.h * (1 - 2 * INSET) * vh);
    if (!this.ctx || w < 8 || h < 8) return undefined;
    this.ctx.drawImage(video, x, y, w, h, 0, 0, SAMPLE_SIZE, SAMPLE_SIZE);
    return frameStats(this.ctx.getImageData(0, 0, SAMPLE_SIZE, SAMPLE_SIZE).data, SAMPLE_SIZE, SAMPLE_SIZE);
  }
}
