import type { ChallengeMessage, FrameHeader } from '@facelight/protocol';
import { FrameSchedule, capturePlan, captureSize } from './frame-schedule.js';
import { createJpegEncoder } from './jpeg-encoder.js';

export interface CapturedFrame {
  header: FrameHeader;
  jpeg: Uint8Array;
}

export interface Capture {
  /** Resolves with the number of frames delivered, after the last one was. */
  finished: Promise<number>;
  stop(): void;
}

/** If the video stalls, end the capture this long after it should have ended. */
const STALL_GRACE_MS = 2000;

/**
 * Express capture: camera frames at the challenge's rate for its duration,
 * timed by requestVideoFrameCallback (the camera's capture time where the
 * browser gives it). Each frame is handed to `deliver` as soon as it is encoded,
 * in capture order, so the verifier analyses while the user is still in view.
 * Every frame carries the challenge's nonce, binding it to this session.
 */
export function captureExpress(
  video: HTMLVideoElement,
  challenge: Pick<ChallengeMessage, 'nonce' | 'capture'>,
  deliver: (frame: CapturedFrame) => void,
  onProgress: (fraction: number) => void,
): Capture {
  const { nonce, capture: settings } = challenge;
  const plan = capturePlan(settings);
  const schedule = new FrameSchedule(plan);
  const { w, h } = captureSize(video.videoWidth, video.videoHeight, settings.maxWidth);
  const encoder = createJpegEncoder(w, h, settings.jpegQuality);
  let queue: Promise<void> = Promise.resolve();
  let handle = 0;
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(stallTimer);
    video.cancelVideoFrameCallback(handle);
  };

  const finished = new Promise<number>((resolve, reject) => {
    const finish = () => {
      if (stopped) return;
      stop();
      queue.then(() => resolve(schedule.count), reject);
    };
    const onFrame: VideoFrameRequestCallback = (_now, metadata) => {
      if (stopped) return;
      // Camera tracks carry captureTime; canvas-stream tracks only presentationTime.
      const t = metadata.captureTime ?? metadata.presentationTime;
      if (schedule.take(t)) {
        const header: FrameHeader = { type: 'frame', nonce, seq: schedule.count - 1, t, w, h };
        const jpeg = encoder.encode(video);
        queue = queue.then(async () => deliver({ header, jpeg: await jpeg }));
        onProgress(schedule.progress(t));
      }
      if (schedule.isComplete(t)) finish();
      else handle = video.requestVideoFrameCallback(onFrame);
    };
    stallTimer = setTimeout(finish, plan.durationMs + STALL_GRACE_MS);
    handle = video.requestVideoFrameCallback(onFrame);
  });

  return { finished, stop };
}
