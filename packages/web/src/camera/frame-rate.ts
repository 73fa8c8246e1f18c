/** The slowest camera the scan accepts, in frames per second. */
export const MIN_FRAME_RATE = 15;
/** Measurement slack, so a true 15 fps camera with timer jitter is not refused. */
const FRAME_RATE_TOLERANCE = 0.5;
const MEASURE_MS = 1000;

export interface FrameTick {
  /** Callback time, ms on the page clock. */
  now: number;
  /** The video's running count of frames handed to the compositor. */
  presentedFrames: number;
}

/**
 * Frames per second between the first and last tick. Counts presented frames,
 * not callbacks, so a main thread busy loading the face model (callbacks
 * coalesce) does not make a good camera look slow.
 */
export function frameRate(ticks: readonly FrameTick[]): number {
  const first = ticks[0];
  const last = ticks[ticks.length - 1];
  if (!first || !last || last.now <= first.now) return 0;
  return ((last.presentedFrames - first.presentedFrames) * 1000) / (last.now - first.now);
}

export const isFrameRateTooLow = (fps: number): boolean => fps < MIN_FRAME_RATE - FRAME_RATE_TOLERANCE;

/** Watches the playing video for about a second and returns its frame rate; 0 if it stalls. */
export function measureFrameRate(video: HTMLVideoElement, durationMs = MEASURE_MS): Promise<number> {
  return new Promise((resolve) => {
    const ticks: FrameTick[] = [];
    let handle = 0;
    const finish = () => {
      clearTimeout(stall);
      video.cancelVideoFrameCallback(handle);
      resolve(frameRate(ticks));
    };
    const stall = setTimeout(finish, durationMs * 3);
    const onFrame: VideoFrameRequestCallback = (now, metadata) => {
      ticks.push({ now, presentedFrames: metadata.presentedFrames });
      if (now - ticks[0]!.now >= durationMs) finish();
      else handle = video.requestVideoFrameCallback(onFrame);
    };
    handle = video.requestVideoFrameCallback(onFrame);
  });
}
