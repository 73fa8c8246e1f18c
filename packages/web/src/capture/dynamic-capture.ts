import type { ChallengeMessage, ColorStep, FrameHeader } from '@facelight/protocol';
import { FlashSequencer, colorSchedule } from './color-schedule.js';
import type { Capture, CapturedFrame } from './express-capture.js';
import { FrameSchedule, capturePlan, captureSize, samplingRate } from './frame-schedule.js';
import { createJpegEncoder } from './jpeg-encoder.js';

type Rgb = ColorStep['rgb'];

/** Where the colours are painted: the whole viewport, the face preview still visible. */
export interface FlashSurface {
  show(rgb: Rgb): void;
  /** Back to the normal scan screen. */
  hide(): void;
}

export interface DynamicCaptureOptions {
  video: HTMLVideoElement;
  /** The challenge's nonce, carried by every frame. */
  nonce: string;
  /** The camera's frame rate (as configured, else measured). */
  cameraFps: number;
  capture: ChallengeMessage['capture'];
  colors: readonly ColorStep[];
  surface: FlashSurface;
  deliver(frame: CapturedFrame): void;
  /** Colour `index` (or the normal screen again, −1) was first on screen at `t`, page clock. */
  onDisplay(index: number, t: number): void;
  onProgress(fraction: number): void;
}

/** The test hook's event (packages/web/README.md, "Test hooks"). */
const DISPLAY_EVENT = 'facelight:display';

/** Without a video frame for this long the capture ends: the camera stalled. */
const STALL_MS = 2000;

/**
 * Dynamic capture: every camera frame (thinned only for a camera faster than the challenge's rate; up to its cap),
 * timed by requestVideoFrameCallback, while the screen goes through a normal
 * warm-up, the challenge's colours and a normal tail. The colours are driven
 * by animation frames and each one's real presentation time is reported,
 * because on a busy main thread the screen drifts from any schedule.
 */
export function captureDynamic(options: DynamicCaptureOptions): Capture {
  const { video, nonce, cameraFps, capture, colors, surface, deliver, onDisplay, onProgress } = options;
  const schedule = colorSchedule(colors, capture);
  const sequencer = new FlashSequencer(schedule);
  // The colours, not a clock, end the capture (they may run late); the frame cap still holds.
  const { maxFrames } = capturePlan({ ...capture, durationMs: capture.durationMs ?? schedule.totalMs });
  const frames = new FrameSchedule({ fps: samplingRate(capture.fps, cameraFps), durationMs: Infinity, maxFrames });
  const { w, h } = captureSize(video.videoWidth, video.videoHeight, capture.maxWidth);
  const encoder = createJpegEncoder(w, h, capture.jpegQuality);
  let queue: Promise<void> = Promise.resolve();
  let videoHandle = 0;
  let animationHandle = 0;
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let painted = -1;
  let announced = -1;
  let progress = 0;

  const announce = (index: number, t: number) => {
    announced = index;
    window.dispatchEvent(new CustomEvent(DISPLAY_EVENT, { detail: index === -1 ? { index, t } : { index, rgb: [...colors[index]!.rgb], t } }));
  };
  const stop = () => {
    stopped = true;
    clearTimeout(stallTimer);
    cancelAnimationFrame(animationHandle);
    video.cancelVideoFrameCallback(videoHandle);
    // Ended mid-sequence (cancel, stall, frame cap): the screen must not stay coloured.
    if (painted !== -1) surface.hide();
    painted = -1;
    if (announced !== -1) announce(-1, performance.now());
  };

  const finished = new Promise<number>((resolve, reject) => {
    const finish = () => {
      if (stopped) return;
      stop();
      queue.then(() => resolve(frames.count), reject);
    };
    const armStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(finish, STALL_MS);
    };

    // A style change made in an animation-frame callback is painted in that frame; the
    // next callback's timestamp is the start of the following frame, by which time the
    // coloured frame has gone to the display. So that timestamp is when the colour was
    // first presented (a double rAF would be needed only for changes made outside rAF).
    const onAnimationFrame: FrameRequestCallback = (now) => {
      if (stopped) return;
      const step = sequencer.frame(now);
      if (step.presented !== undefined) {
        announce(step.presented, now);
        onDisplay(step.presented, now);
      }
      if (step.show !== undefined) {
        painted = step.show;
        if (painted === -1) surface.hide();
        else surface.show(colors[painted]!.rgb);
      }
      if (!sequencer.flashOver) animationHandle = requestAnimationFrame(onAnimationFrame);
    };

    const onVideoFrame: VideoFrameRequestCallback = (_now, metadata) => {
      if (stopped) return;
      armStall();
      // Camera tracks carry captureTime; canvas-stream tracks only presentationTime.
      const t = metadata.captureTime ?? metadata.presentationTime;
      if (sequencer.isComplete(t)) return finish();
      if (frames.take(t)) {
        const header: FrameHeader = { type: 'frame', nonce, seq: frames.count - 1, t, w, h };
        const jpeg = encoder.encode(video);
        queue = queue.then(async () => deliver({ header, jpeg: await jpeg }));
        // Re-anchoring on a late colour can step the schedule back a little: progress only moves on.
        progress = Math.max(progress, sequencer.progress(t));
        onProgress(progress);
      }
      // At the cap the verifier would refuse more frames, so the sequence ends here.
      if (frames.isComplete(t)) finish();
      else videoHandle = video.requestVideoFrameCallback(onVideoFrame);
    };

    armStall();
    videoHandle = video.requestVideoFrameCallback(onVideoFrame);
    animationHandle = requestAnimationFrame(onAnimationFrame);
  });

  return { finished, stop };
}
