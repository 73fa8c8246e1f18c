import type { RequestHandler } from 'express';
import type { ApiErrorCode, TrustedImageErrorCode } from '@facelight/protocol';
import { ApiError } from './api-error.js';

/**
 * Refuses a body whose declared Content-Length is over `limit` before a byte
 * of it is read. body-parser would reach the same 413 only after draining the
 * whole declared body, which a client can make as large and as slow as it
 * likes. The connection closes after the answer, so the body is never read.
 */
export function refuseDeclaredOversize(limit: number, code: ApiErrorCode | TrustedImageErrorCode = 'PAYLOAD_TOO_LARGE'): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (!(declared > limit)) return next();
    res.set('Connection', 'close');
    next(
      new ApiError(413, code, `the request body declares ${declared} bytes; at most ${limit} are accepted`, {
        errors: [{ code, message: `at most ${limit} bytes are accepted`, measured: declared, limit }],
      }),
    );
  };
}
