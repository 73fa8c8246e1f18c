import type { SdkErrorCode } from '@facelight/protocol';
import { FacelightError } from '../errors.js';

/** Maps a getUserMedia rejection (a DOMException by name) to the code the page can act on. */
export function cameraErrorCode(err: unknown): SdkErrorCode {
  const name = (err as { name?: unknown } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'CAMERA_DENIED';
    case 'NotFoundError':
      return 'NO_CAMERA';
    case 'OverconstrainedError':
      // Only the frame-rate floor can be unsatisfiable on a camera that exists.
      return (err as { constraint?: unknown }).constraint === 'frameRate' ? 'LOW_FRAME_RATE' : 'NO_CAMERA';
    default:
      // NotReadableError, AbortError and anything unnamed: the device exists but would not start.
      return 'CAMERA_BUSY';
  }
}

export function cameraError(err: unknown): FacelightError {
  const detail = err instanceof Error && err.message ? err.message : undefined;
  const error = new FacelightError(cameraErrorCode(err), detail);
  error.cause = err;
  return error;
}
