import { API_ERROR_CODES, TRUSTED_IMAGE_ERROR_CODES } from '@facelight/protocol';
import type { RequestHandler } from 'express';
import type { VerifierMetrics } from './registry.js';

const KNOWN = new Set([...Object.keys(API_ERROR_CODES), ...Object.keys(TRUSTED_IMAGE_ERROR_CODES)]);

/**
 * Counts the codes of every error response: `{ error: { code } }` from the
 * error handler, and each failed check of a refused trusted image. It wraps
 * `res.json`, through which all of them leave, so no route has to remember to count.
 * RESULT_PENDING is the answer to a backend polling for a result, not a
 * refused input: counted, polling would drown the refusals.
 */
export function countApiErrors(metrics: Pick<VerifierMetrics, 'apiRefused'>): RequestHandler {
  return (_req, res, next) => {
    const json = res.json;
    res.json = function (this: typeof res, body: unknown) {
      if (this.statusCode >= 400) {
        for (const code of errorCodes(body)) if (code !== 'RESULT_PENDING') metrics.apiRefused(KNOWN.has(code) ? code : 'OTHER');
      }
      return json.call(this, body);
    };
    next();
  };
}

function errorCodes(body: unknown): string[] {
  const b = body as { error?: { code?: unknown }; errors?: { code?: unknown }[] } | null;
  if (typeof b?.error?.code === 'string') return [b.error.code];
  if (Array.isArray(b?.errors)) return b.errors.map((e) => e?.code).filter((c): c is string => typeof c === 'string');
  return [];
}
