import { FacelightError } from '../errors.js';

/**
 * Stream errors that mean this session can never be scanned: the page must
 * create a new one. STREAM_TIMEOUT ends a stream that outlived its session's
 * scan, which the verifier stores as SESSION_EXPIRED.
 */
const SESSION_GONE = new Set(['SESSION_NOT_FOUND', 'INVALID_TOKEN', 'TOKEN_REUSED', 'SESSION_CLOSED', 'TOKEN_EXPIRED', 'STREAM_TIMEOUT']);

/** Maps the verifier's `{ type: "error", code, message }` to the SDK error the page handles. */
export function streamError(code: string, message: string): FacelightError {
  return SESSION_GONE.has(code)
    ? new FacelightError('SESSION_EXPIRED', `${code}: ${message}`)
    : new FacelightError('VERIFIER_ERROR', `${code}: ${message}`);
}
