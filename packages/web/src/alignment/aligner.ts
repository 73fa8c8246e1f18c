import type { FeedbackCode, Oval } from '@facelight/protocol';
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { observeFace } from './face-geometry.js';
import { FaceSampler } from './face-sampler.js';
import { feedbackFor, recordMotion, type MotionSample } from './feedback.js';
import { measureAlignment } from '../timing.js';
import { isSteady, openGate, updateGate } from './steady-gate.js';

/**
 * Detection costs ~45 ms of main thread per 640×480 frame on a slow CPU
 * (DESIGN §6); every ~170 ms keeps hints responsive while the page and the
 * preview stay fluid.
 */
export const DETECT_INTERVAL_MS = 170;
/** Without a landmarker: how long the user gets to centre their face. */
export const FALLBACK_COUNTDOWN_S = 3;

export type AlignOutcome = 'ALIGNED' | 'TIMEOUT';

export interface Alignment {
  outcome: Promise<AlignOutcome>;
  stop(): void;
}

export interface AlignOptions {
  video: HTMLVideoElement;
  oval: Oval;
  timeoutMs: number;
  onFeedback(code: FeedbackCode): void;
}

/** Guides the face into the oval until ALIGNED has held steadily, or the timeout. */
export function alignWithLandmarker(landmarker: FaceLandmarker, options: AlignOptions): Alignment {
  const { video, oval, timeoutMs, onFeedback } = options;
  const sampler = new FaceSampler();
  let history: MotionSample[] = [];
  let gate = openGate();
  let last: FeedbackCode | undefined;
  let lastDetection = -Infinity;
  let handle = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    video.cancelVideoFrameCallback(handle);
  };

  const outcome = new Promise<AlignOutcome>((resolve) => {
    timer = setTimeout(() => {
      stop();
      resolve('TIMEOUT');
    }, timeoutMs);
    const onFrame: VideoFrameRequestCallback = (now) => {
      if (now - lastDetection >= DETECT_INTERVAL_MS) {
        lastDetection = now;
        const started = performance.now();
        const result = landmarker.detectForVideo(video, now);
        const aspect = video.videoWidth / video.videoHeight;
        const faces = result.faceLandmarks.map((landmarks, i) =>
          observeFace(landmarks, result.facialTransformationMatrixes[i]?.data ?? [], aspect),
        );
        const face = faces.length === 1 ? faces[0] : undefined;
        history = face ? recordMotion(history, { t: now, box: face.box }) : [];
        const code = feedbackFor(faces, oval, face && sampler.sample(video, face.box), history);
        measureAlignment(started);
        gate = updateGate(gate, code, now);
        if (code !== last) onFeedback(code);
        last = code;
        if (isSteady(gate, now)) {
          stop();
          resolve('ALIGNED');
          return;
        }
      }
      handle = video.requestVideoFrameCallback(onFrame);
    };
    handle = video.requestVideoFrameCallback(onFrame);
  });
  return { outcome, stop };
}

/**
 * Without WebGL2 there is no on-device landmarker: show the oval, count down
 * and capture; the verifier's own face checks decide.
 */
export function alignByCountdown(onTick: (secondsLeft: number) => void, seconds = FALLBACK_COUNTDOWN_S): Alignment {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = new Promise<AlignOutcome>((resolve) => {
    const tick = (left: number) => {
      if (left === 0) return resolve('ALIGNED');
      onTick(left);
      timer = setTimeout(() => tick(left - 1), 1000);
    };
    tick(seconds);
  });
  return { outcome, stop: () => clearTimeout(timer) };
}
