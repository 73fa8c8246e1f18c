import type { ResultReasonCode, StreamErrorCode } from '@facelight/protocol';
import { StoreUnavailableError } from '../sessions/errors.js';
import { WorkerPoolBusyError } from '../workers/pool.js';

/** Ends the stream with `{ type: "error", code, message }`; the message is for the integrating developer. */
export class StreamError extends Error {
  override readonly name = 'StreamError';
  constructor(
    readonly code: StreamErrorCode,
    message: string,
    /** The stored reason when it is not the code's usual one (see abortReason). */
    readonly reason?: ResultReasonCode,
  ) {
    super(message);
  }
}

/** The verifier's own failures, retryable; every other refusal is the client's doing. */
const VERIFIER_FAILURES: readonly StreamErrorCode[] = ['INTERNAL_ERROR', 'STORE_UNAVAILABLE', 'SHUTTING_DOWN', 'VERIFIER_BUSY'];

/** 1011 says the verifier failed (1012 for a restart is chosen by the caller); 1008 is a policy violation. */
export const closeCodeFor = (code: StreamErrorCode) => (VERIFIER_FAILURES.includes(code) ? 1011 : 1008);

/** Any other error thrown while serving a stream, as the client hears it. */
export function toStreamError(err: unknown): StreamError {
  if (err instanceof StoreUnavailableError) return new StreamError('STORE_UNAVAILABLE', 'the session store cannot be reached; create a new session to retry');
  if (err instanceof WorkerPoolBusyError) return new StreamError('VERIFIER_BUSY', 'the verifier has more frames waiting than it can queue; create a new session to retry');
  return new StreamError('INTERNAL_ERROR', 'the verifier failed; create a new session to retry');
}

/**
 * What a stalling uplink causes: the frames and reports queued behind a stall
 * arrive at once (RATE_LIMITED) or dated too early for when they arrive
 * (DISPLAY_TIME_IMPLAUSIBLE). A client could send them on purpose, but the
 * user cannot be told apart from one on a bad network, so the stored reason
 * says what was seen and leaves the retry to the integrator.
 */
const UPLINK_FAILURES: readonly StreamErrorCode[] = ['RATE_LIMITED', 'DISPLAY_TIME_IMPLAUSIBLE'];

/** The result reason of a session whose stream ended in this error after its token was used. */
export function abortReason(code: StreamErrorCode): ResultReasonCode {
  if (VERIFIER_FAILURES.includes(code)) return 'VERIFIER_ERROR';
  if (UPLINK_FAILURES.includes(code)) return 'CONNECTION_UNSTABLE';
  if (code === 'IDLE_TIMEOUT') return 'CLIENT_DISCONNECTED';
  // The stream's lifetime ends with its session's: a scan kept open that long outlived the session.
  if (code === 'STREAM_TIMEOUT') return 'SESSION_EXPIRED';
  return 'PROTOCOL_VIOLATION';
}
