/** What the challenge asks of an Express capture, with the contract's defaults filled in. */
export interface CapturePlan {
  fps: number;
  durationMs: number;
  maxFrames: number;
}

export const DEFAULT_CAPTURE_MS = 1000;

export function capturePlan(capture: { fps: number; durationMs?: number | undefined; maxFrames?: number | undefined }): CapturePlan {
  const durationMs = capture.durationMs ?? DEFAULT_CAPTURE_MS;
  return {
    fps: capture.fps,
    durationMs,
    // Without a cap the duration bounds the count; one spare for a frame landing on the boundary.
    maxFrames: capture.maxFrames ?? Math.ceil((durationMs / 1000) * capture.fps) + 1,
  };
}

/**
 * Picks camera frames at the requested rate by their capture times. A frame is
 * taken once a full interval has passed, less a quarter interval of slack, so a
 * 30 fps camera sampled at 30 keeps every frame despite timestamp jitter and at
 * 15 keeps every other one.
 */
export class FrameSchedule {
  private first: number | undefined;
  private last = -Infinity;
  private taken = 0;

  constructor(private readonly plan: CapturePlan) {}

  /** Whether to keep the frame captured at `t`; call in capture order. */
  take(t: number): boolean {
    if (this.isComplete(t)) return false;
    const interval = 1000 / this.plan.fps;
    if (t - this.last < interval * 0.75) return false;
    this.first ??= t;
    this.last = t;
    this.taken++;
    return true;
  }

  isComplete(t: number): boolean {
    return this.taken >= this.plan.maxFrames || (this.first !== undefined && t - this.first >= this.plan.durationMs);
  }

  get count(): number {
    return this.taken;
  }

  /** Share of the capture done at `t`, 0–1. */
  progress(t: number): number {
    if (this.first === undefined) return 0;
    return Math.min(1, Math.max(this.taken / this.plan.maxFrames, (t - this.first) / this.plan.durationMs));
  }
}

/** Frame size for the verifier: scaled down to `maxWidth`, never up. */
export function captureSize(videoWidth: number, videoHeight: number, maxWidth: number): { w: number; h: number } {
  const scale = Math.min(1, maxWidth / videoWidth);
  return { w: Math.max(1, Math.round(videoWidth * scale)), h: Math.max(1, Math.round(videoHeight * scale)) };
}

/**
 * The rate to sample a camera at to honour `requestedFps`: every frame when
 * the camera is no faster, since thinning a 30 fps camera "to 30 fps" drops
 * the frames whose capture times jitter early (seen: 15–25 ms after the previous one).
 */
export function samplingRate(requestedFps: number, cameraFps: number): number {
  return requestedFps >= cameraFps ? Infinity : requestedFps;
}
