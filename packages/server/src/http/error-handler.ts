import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ApiError } from './api-error.js';
import { StoreUnavailableError } from '../sessions/errors.js';
import { WorkerPoolBusyError } from '../workers/pool.js';

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * Every error leaves as JSON with a machine code. body-parser's own errors are
 * mapped by their `type`; anything unexpected is logged and becomes a 500
 * whose message reveals nothing.
 */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, next) => {
  // A body cut after its answer was sent (bodyDeadline): nothing is left to say.
  if (res.headersSent && (err as BodyParserError)?.type === 'request.aborted') return;
  if (res.headersSent) return next(err);
  const apiError = toApiError(err);
  if (apiError.status >= 500) req.log?.error({ err }, 'request failed');
  // Both pass within seconds: the queue drains, or Redis comes back.
  if (apiError.code === 'VERIFIER_BUSY' || apiError.code === 'STORE_UNAVAILABLE') res.set('Retry-After', '1');
  res.status(apiError.status).json({
    error: { code: apiError.code, message: apiError.message, ...(apiError.details === undefined ? {} : { details: apiError.details }) },
  });
};

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof StoreUnavailableError) return new ApiError(503, 'STORE_UNAVAILABLE', 'the session store cannot be reached; retry shortly');
  if (err instanceof WorkerPoolBusyError) return new ApiError(503, 'VERIFIER_BUSY', 'the verifier has more images waiting than it can queue; retry shortly');
  const e = err as BodyParserError;
  switch (e?.type) {
    case 'entity.too.large':
      return new ApiError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${e.limit} bytes`);
    case 'entity.parse.failed':
      return new ApiError(400, 'INVALID_REQUEST', 'request body is not valid JSON');
    case 'request.aborted':
      return new ApiError(400, 'INVALID_REQUEST', 'request body was aborted before it was complete');
    case 'request.size.invalid':
      return new ApiError(400, 'INVALID_REQUEST', 'request body length does not match Content-Length');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
    case 'stream.not.readable':
      return new ApiError(400, 'INVALID_REQUEST', 'request body could not be read');
  }
  // The router's own refusal, such as a path parameter whose percent-encoding does not decode.
  if (e?.status === 400) return new ApiError(400, 'INVALID_REQUEST', 'the request is malformed');
  return new ApiError(500, 'INTERNAL_ERROR', 'internal error');
}
