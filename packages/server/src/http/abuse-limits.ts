import type { RequestHandler } from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
import cors from 'cors';
import type { Config } from '../config.js';
import { originAllowed } from '../security/origin.js';
import { ApiError } from './api-error.js';

const MINUTE = 60_000;

/**
 * Pages on other origins may call the REST API only when listed: CORS tells
 * the browser so, and a request whose Origin is not allowed is refused
 * outright (a browser would send it anyway for "simple" requests).
 */
export function originPolicy(allowed: readonly string[]): RequestHandler[] {
  const check: RequestHandler = (req, _res, next) => {
    const origin = req.get('origin');
    if (!originAllowed(origin, `${req.protocol}://${req.get('host') ?? ''}`, allowed)) {
      return next(new ApiError(403, 'ORIGIN_NOT_ALLOWED', `pages at ${origin} may not call this API: add the origin to security.allowedOrigins`));
    }
    next();
  };
  return [check, cors({ origin: [...allowed], methods: ['GET', 'POST', 'PUT', 'DELETE'], allowedHeaders: ['authorization', 'content-type'], maxAge: 600 })];
}

const limited = (what: string): RequestHandler => (_req, _res, next) => next(new ApiError(429, 'RATE_LIMITED', `too many requests from this ${what}: slow down`));

/** Before authentication: requests per client address, whatever key they carry. */
export function perIpLimit(config: Config): RequestHandler {
  return rateLimit({ windowMs: MINUTE, limit: config.security.rateLimit.perIpPerMinute, standardHeaders: 'draft-7', legacyHeaders: false, handler: limited('address') });
}

/** Before authentication: refused API keys per client address, so guessing keys is slow. */
export function failedAuthLimit(config: Config): RequestHandler {
  return rateLimit({
    windowMs: MINUTE,
    limit: config.security.rateLimit.failedAuthPerIpPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
    handler: limited('address'),
  });
}

/** After authentication: requests per API key, whatever addresses they come from. */
export function perApiKeyLimit(config: Config): RequestHandler {
  return rateLimit({
    windowMs: MINUTE,
    limit: config.security.rateLimit.perApiKeyPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (_req, res) => String(res.locals.apiKeyId),
    handler: limited('API key'),
  });
}

/** Stream openings per client address and minute; in this process only (each process of a cluster counts its own). */
export function streamOpenings(): { hit(ip: string): Promise<number> } {
  const store = new MemoryStore();
  store.init({ windowMs: MINUTE } as Parameters<MemoryStore['init']>[0]);
  return { hit: async (ip) => (await store.increment(ip)).totalHits };
}
