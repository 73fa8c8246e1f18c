import type { FeedbackCode, ResultReasonCode, SdkErrorCode } from '@facelight/protocol';
import { verifierKeyBytes } from './stream/challenge-signature.js';

export interface ScanResult {
  status: 'SUCCESS' | 'FAILURE';
  /** What the user can change before trying again; never the scores. */
  retry?: { code: ResultReasonCode };
}

export interface ScanErrorDetail {
  code: SdkErrorCode;
  message: string;
}

/** Options shared by `start()` and `<facelight-capture>`. */
export interface ScanOptions {
  /** The verifier's base URL, e.g. `https://id.example.com`. */
  serverUrl: string;
  sessionId: string;
  clientToken: string;
  /** Where vision_bundle.mjs, wasm/ and face_landmarker.task are served; default `${serverUrl}/facelight/assets/`. */
  assetsBaseUrl?: string;
  /** BCP 47 tag; English and French are built in. Default: the page's language. */
  locale?: string;
  /** Overrides of individual texts, by key (see packages/web/README.md). */
  strings?: Partial<Record<string, string>>;
  /** Camera to prefer, from `enumerateDevices()`. */
  deviceId?: string;
  /**
   * The verifier's Ed25519 public key, 32 bytes in unpadded base64url. When
   * set, the SDK refuses any challenge not signed with it for this session
   * (CHALLENGE_SIGNATURE_INVALID) before showing a colour or sending a frame.
   * Without it, anyone between the page and the verifier could change the
   * challenge unnoticed; TLS is required either way.
   */
  verifierKey?: string;
  /** Give up aligning after this long and let the verifier decide; default 30 000. */
  alignTimeoutMs?: number;
  /**
   * Show the photosensitivity notice before the first Dynamic scan in this
   * browser profile; default true. Turn it off only if the page shows its own.
   */
  photosensitivityNotice?: boolean;
  /**
   * TEST ONLY: a stream the SDK uses instead of opening the camera, e.g. a
   * canvas `captureStream()` simulated camera. The SDK never stops its tracks.
   * Production pages must not set it: the camera is the user's.
   */
  mediaStream?: MediaStream;
  onFeedback?(code: FeedbackCode): void;
  /** Share of the capture done, 0–1. */
  onProgress?(fraction: number): void;
  onError?(error: ScanErrorDetail): void;
  signal?: AbortSignal;
}

export interface StartOptions extends ScanOptions {
  container: HTMLElement;
}

export const DEFAULT_ALIGN_TIMEOUT_MS = 30_000;

export const defaultAssetsBaseUrl = (serverUrl: string): string => `${serverUrl.replace(/\/+$/, '')}/facelight/assets/`;

/** Programming errors, thrown as TypeError: unlike SDK errors, no user action fixes them. */
export function checkOptions(options: ScanOptions): void {
  for (const key of ['serverUrl', 'sessionId', 'clientToken'] as const) {
    if (typeof options[key] !== 'string' || options[key] === '') throw new TypeError(`Facelight: option ${key} is required`);
  }
  if (options.verifierKey !== undefined) verifierKeyBytes(options.verifierKey);
}
