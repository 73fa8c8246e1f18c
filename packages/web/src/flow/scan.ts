import type { Camera, ChallengeMessage, ColorStep, DeviceSignals, HelloMessage } from '@facelight/protocol';
import type { FaceLandmarker } from '@mediapipe/tasks-vision';
import { alignByCountdown, alignWithLandmarker, type Alignment } from '../alignment/aligner.js';
import { hasWebGL2, loadLandmarker } from '../alignment/landmarker.js';
import { assertCameraAvailable, describeCamera, listCameras, openCamera, stopCamera } from '../camera/camera.js';
import { isFrameRateTooLow, measureFrameRate } from '../camera/frame-rate.js';
import { captureDynamic } from '../capture/dynamic-capture.js';
import { captureExpress, type Capture } from '../capture/express-capture.js';
import { FacelightError, isFacelightError } from '../errors.js';
import { DEFAULT_ALIGN_TIMEOUT_MS, defaultAssetsBaseUrl, type ScanOptions, type ScanResult } from '../options.js';
import { collectSignals } from '../signals/collect.js';
import { assertChallengeSigned, importVerifierKey } from '../stream/challenge-signature.js';
import { StreamClient, streamUrl } from '../stream/stream-client.js';
import type { ScanView } from '../ui/view.js';
import { mark } from '../timing.js';
import { SDK_VERSION } from '../version.js';
import { transition, type ScanEvent, type ScanState } from './machine.js';
import { noticeAccepted, rememberNotice } from './photosensitivity.js';

/** States in which the camera may be (re)opened: before capture starts. */
const CAMERA_STATES: ReadonlySet<ScanState> = new Set(['camera', 'loading', 'connecting', 'aligning']);

/**
 * Drives one scan through the state machine: each phase is awaited in turn,
 * raced against an interruption (cancel, page hidden, a stream error), and
 * every resource is released in one place whatever the ending.
 */
export class Scan {
  private state: ScanState = 'idle';
  private readonly interruption: Promise<never>;
  private interrupt!: (error: FacelightError) => void;
  private camera: MediaStream | undefined;
  private opening: Promise<MediaStream> | undefined;
  private client: StreamClient | undefined;
  /** The first camera's measured rate: what a camera that does not report its own is assumed to run at. */
  private measuredFps = 0;
  private landmarker: Promise<FaceLandmarker | undefined> | undefined;
  private alignment: Alignment | undefined;
  private capture: Capture | undefined;
  private lastProgress = -1;
  private feedbackShown = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly view: ScanView,
    private readonly options: ScanOptions,
  ) {
    this.interruption = new Promise<never>((_, reject) => {
      let interrupted = false;
      this.interrupt = (error) => {
        if (interrupted) return;
        interrupted = true;
        reject(error);
      };
    });
    this.interruption.catch(() => undefined);
  }

  cancel(reason = 'The scan was cancelled.'): void {
    this.interrupt(new FacelightError('CANCELLED', reason));
  }

  async run(): Promise<ScanResult> {
    try {
      mark('start');
      this.go('START');
      this.watchPage();
      checkBrowser(!this.options.mediaStream);
      // Fetch the model while the user answers the camera prompt.
      this.landmarker = hasWebGL2() ? loadLandmarker(this.assetsBaseUrl()).catch(() => undefined) : Promise.resolve(undefined);

      await this.switchCamera(this.options.deviceId, false);
      const video = this.view.video;
      const fps = await this.guard(measureFrameRate(video));
      this.measuredFps = fps;
      if (isFrameRateTooLow(fps)) throw new FacelightError('LOW_FRAME_RATE', `The camera delivers ${fps.toFixed(1)} frames per second.`);
      this.go('CAMERA_READY');
      if (!this.options.mediaStream) void this.offerCameras();
      // Read while MediaPipe finishes loading: the camera labels are readable now.
      const signals = collectSignals();

      const landmarker = await this.guard(this.landmarker);
      this.go('ALIGNER_READY');

      const { sessionId, verifierKey } = this.options;
      const key = verifierKey === undefined ? undefined : await this.guard(importVerifierKey(verifierKey));
      this.client = new StreamClient(streamUrl(this.options.serverUrl, sessionId), this.hello(await this.guard(signals)), {
        onFailure: (error) => this.interrupt(error),
        checkChallenge: key && ((received) => assertChallengeSigned(sessionId, received, key)),
      });
      const challenge = await this.guard(this.client.challenge);
      const colors = challenge.mode === 'dynamic' ? challengeColors(challenge) : undefined;
      if (colors && this.options.photosensitivityNotice !== false && !noticeAccepted()) {
        this.go('NOTICE_REQUIRED');
        const accepted = await this.guard(new Promise<boolean>((resolve) => this.view.showNotice(resolve)));
        if (!accepted) throw new FacelightError('CANCELLED', 'The user declined the photosensitivity notice.');
        rememberNotice();
        this.go('NOTICE_ACCEPTED');
      } else {
        this.go('CHALLENGE_RECEIVED');
      }
      this.view.showOval(challenge.oval);

      this.alignment = landmarker
        ? alignWithLandmarker(landmarker, {
            video,
            oval: challenge.oval,
            timeoutMs: this.options.alignTimeoutMs ?? DEFAULT_ALIGN_TIMEOUT_MS,
            onFeedback: (code) => {
              if (!this.feedbackShown) mark('first-feedback');
              this.feedbackShown = true;
              this.view.showFeedback(code);
              this.options.onFeedback?.(code);
            },
          })
        : alignByCountdown((seconds) => this.view.showCountdown(seconds));
      const outcome = await this.guard(this.alignment.outcome);

      if (outcome === 'ALIGNED') {
        this.go('ALIGNED');
        this.view.hideCameras();
        const client = this.client;
        mark('capture-start');
        this.capture = colors
          ? this.captureDynamic(challenge, colors, client, cameraFps(this.camera!, fps))
          : captureExpress(
              video,
              challenge,
              (frame) => client.sendFrame(frame.header, frame.jpeg),
              (fraction) => this.progress(fraction),
            );
        await this.guard(this.capture.finished);
        this.progress(1);
      }
      this.client.sendDone();
      mark('done-sent');
      this.go(outcome === 'ALIGNED' ? 'CAPTURE_SENT' : 'ALIGN_TIMEOUT');
      this.releaseCamera();

      const result = await this.guard(this.client.result);
      mark('result');
      this.go('RESULT_RECEIVED');
      this.view.showResult(result.status, result.retry?.code);
      return result.retry ? { status: result.status, retry: { code: result.retry.code } } : { status: result.status };
    } catch (err) {
      const error = asFacelightError(err);
      this.state = transition(this.state, error.code === 'CANCELLED' ? 'CANCEL' : 'FAIL') ?? this.state;
      this.view.showState(this.state);
      this.view.showError(error.code);
      this.options.onError?.({ code: error.code, message: error.message });
      throw error;
    } finally {
      this.release();
    }
  }

  private captureDynamic(challenge: ChallengeMessage, colors: readonly ColorStep[], client: StreamClient, fps: number): Capture {
    return captureDynamic({
      video: this.view.video,
      nonce: challenge.nonce,
      cameraFps: fps,
      capture: challenge.capture,
      colors,
      surface: this.view.flash,
      deliver: (frame) => client.sendFrame(frame.header, frame.jpeg),
      onDisplay: (index, t) => {
        if (index === -1) return this.go('FLASH_END');
        if (index === 0) this.go('FLASH_START');
        client.sendDisplay(index, t);
      },
      onProgress: (fraction) => this.progress(fraction),
    });
  }

  private go(event: ScanEvent): void {
    const next = transition(this.state, event);
    if (!next) throw new Error(`Facelight: ${event} is not allowed in state ${this.state}`);
    this.state = next;
    this.view.showState(next);
  }

  private guard<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.interruption]);
  }

  private async switchCamera(deviceId: string | undefined, mustUseDevice: boolean): Promise<void> {
    const given = this.options.mediaStream;
    const opening = (this.opening = given ? Promise.resolve(given) : openCamera(deviceId, mustUseDevice));
    const stream = await this.guard(opening);
    if (!CAMERA_STATES.has(this.state)) {
      // The scan moved on (capture started, or it ended) while the camera was opening.
      this.stopStream(stream);
      return;
    }
    this.stopStream(this.camera);
    this.camera = stream;
    for (const track of stream.getVideoTracks()) {
      track.addEventListener('ended', () => {
        if (this.camera === stream) this.interrupt(new FacelightError('NO_CAMERA', 'The camera was disconnected.'));
      });
    }
    await this.guard(this.view.attachStream(stream));
    // Picked while aligning: the verifier must weigh the camera that films the face.
    this.client?.changeCamera(this.cameraInUse());
  }

  /** The picker appears once permission gives the cameras their labels; it is gone once capture starts. */
  private async offerCameras(): Promise<void> {
    const cameras = await listCameras();
    if (!this.camera) return;
    this.view.showCameras(
      cameras.map((c) => ({ deviceId: c.deviceId, label: c.label })),
      describeCamera(this.camera).deviceId,
      (deviceId) => {
        if (CAMERA_STATES.has(this.state)) this.switchCamera(deviceId, true).catch((err) => this.interrupt(asFacelightError(err)));
      },
    );
  }

  private hello(signals: DeviceSignals): HelloMessage {
    return {
      type: 'hello',
      token: this.options.clientToken,
      sdk: { version: SDK_VERSION },
      camera: this.cameraInUse(),
      display: {
        width: Math.max(1, Math.round(screen.width)),
        height: Math.max(1, Math.round(screen.height)),
        pixelRatio: Math.min(16, devicePixelRatio || 1),
      },
      signals,
    };
  }

  private cameraInUse(): Camera {
    const info = describeCamera(this.camera!);
    const video = this.view.video;
    return {
      label: info.label.slice(0, 256),
      width: video.videoWidth || info.width,
      height: video.videoHeight || info.height,
      frameRate: Math.round((info.frameRate ?? this.measuredFps) * 100) / 100,
    };
  }

  private progress(fraction: number): void {
    if (fraction === this.lastProgress) return;
    this.lastProgress = fraction;
    this.view.showProgress(fraction);
    this.options.onProgress?.(fraction);
  }

  private assetsBaseUrl(): string {
    return this.options.assetsBaseUrl ?? defaultAssetsBaseUrl(this.options.serverUrl);
  }

  /** A hidden page cannot be scanning its user: stop the camera and end the scan. */
  private watchPage(): void {
    const onHidden = () => {
      if (document.visibilityState === 'hidden') this.cancel('The page was hidden during the scan.');
    };
    const onPageHide = () => this.cancel('The page was left during the scan.');
    const onAbort = () => this.cancel();
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', onPageHide);
    this.options.signal?.addEventListener('abort', onAbort);
    if (this.options.signal?.aborted) onAbort();
    this.cleanups.push(() => {
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', onPageHide);
      this.options.signal?.removeEventListener('abort', onAbort);
    });
  }

  /** Stops a camera the SDK opened; a test page's own stream is the page's to stop. */
  private stopStream(stream: MediaStream | undefined): void {
    if (stream !== this.options.mediaStream) stopCamera(stream);
  }

  private releaseCamera(): void {
    this.stopStream(this.camera);
    this.camera = undefined;
  }

  private release(): void {
    this.alignment?.stop();
    this.capture?.stop();
    this.client?.close();
    this.releaseCamera();
    // A camera the user grants after the scan ended (the prompt was still open) must not stay on.
    void this.opening?.then((stream) => this.stopStream(stream), () => undefined);
    this.view.detachStream();
    void this.landmarker?.then((landmarker) => landmarker?.close());
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}

/** APIs the scan cannot do without, checked up front so the failure is clear. */
function checkBrowser(needsCamera: boolean): void {
  if (needsCamera) assertCameraAvailable();
  const missing = [
    typeof WebSocket === 'undefined' && 'WebSocket',
    !('requestVideoFrameCallback' in HTMLVideoElement.prototype) && 'requestVideoFrameCallback',
  ].filter(Boolean);
  if (missing.length > 0) throw new FacelightError('UNSUPPORTED_BROWSER', `Missing ${missing.join(', ')}.`);
}

/** The rate the camera was configured at, which the track reports; else the one measured. */
function cameraFps(camera: MediaStream, measuredFps: number): number {
  return describeCamera(camera).frameRate ?? measuredFps;
}

/** A Dynamic challenge without colours cannot be captured: the verifier broke the contract. */
function challengeColors(challenge: ChallengeMessage): readonly ColorStep[] {
  if (!challenge.colors?.length) throw new FacelightError('VERIFIER_ERROR', 'BAD_MESSAGE: a dynamic challenge without colours');
  return challenge.colors;
}

/** Anything that is not already an SDK error is a browser API failing under us. */
function asFacelightError(err: unknown): FacelightError {
  if (isFacelightError(err)) return err;
  const error = new FacelightError('UNSUPPORTED_BROWSER', err instanceof Error ? err.message : String(err));
  error.cause = err;
  return error;
}
