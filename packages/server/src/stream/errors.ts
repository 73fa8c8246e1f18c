import type { ResultReasonCode, StreamErrorCode } from '@facelight/protocol';
import { StoreUnavailableError } from '../sessions/errors.js';
import { WorkerPoolBusyError } from '../workers/pool.js';

/** Ends the stream with `{ type: "error", code, message }`; the message is for the integrating developer. */
export class StreamError extends Error {
  override readonly name = 'StreamError';
  constructor(
    readonly code: StreamErrorCode,
    message: string,
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

/** The result reason of a session whose stream ended in this error after its token was used. */
export function abortReason(code: StreamErrorCode): ResultReasonCode {
  if (VERIFIER_FAILURES.includes(code)) return 'VERIFIER_ERROR';
  if (code === 'IDLE_TIMEOUT') return 'CLIENT_DISCONNECTED';
  return 'PROTOCOL_VIOLATION';
}
