import { FacelightError } from '../errors.js';

/** Stream errors that mean this session can never be scanned: the page must create a new one. */
const SESSION_GONE = new Set(['SESSION_NOT_FOUND', 'INVALID_TOKEN', 'TOKEN_REUSED', 'SESSION_CLOSED', 'TOKEN_EXPIRED']);

/** Maps the verifier's `{ type: "error", code, message }` to the SDK error the page handles. */
export function streamError(code: string, message: string): FacelightError {
  return SESSION_GONE.has(code)
    ? new FacelightError('SESSION_EXPIRED', `${code}: ${message}`)
    : new FacelightError('VERIFIER_ERROR', `${code}: ${message}`);
}
