import type { RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import cors from 'cors';
import type { Config } from '../config.js';
import type { SessionStore } from '../sessions/store.js';
import { originAllowed } from '../security/origin.js';
import { ApiError } from './api-error.js';
import { StoreRateLimit } from './store-rate-limit.js';

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

/**
 * Per minute, counted in the session store (shared by every process using
 * the same Redis). While the store is unreachable a limit lets requests
 * through: they meet STORE_UNAVAILABLE at the store anyway, and a limiter
 * that failed closed would turn an outage into 429s.
 */
const perMinute = (store: SessionStore, prefix: string, limit: number, what: string, extra: Partial<Options> = {}): RequestHandler =>
  rateLimit({
    windowMs: MINUTE,
    limit,
    store: new StoreRateLimit(store, prefix),
    passOnStoreError: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: limited(what),
    ...extra,
  });

/** Before authentication: requests per client address, whatever key they carry. */
export function perIpLimit(config: Config, store: SessionStore): RequestHandler {
  return perMinute(store, 'rl:ip:', config.security.rateLimit.perIpPerMinute, 'address');
}

/** Before authentication: refused API keys per client address, so guessing keys is slow. */
export function failedAuthLimit(config: Config, store: SessionStore): RequestHandler {
  return perMinute(store, 'rl:auth:', config.security.rateLimit.failedAuthPerIpPerMinute, 'address', {
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skipSuccessfulRequests: true,
  });
}

/** After authentication: requests per API key, whatever addresses they come from. */
export function perApiKeyLimit(config: Config, store: SessionStore): RequestHandler {
  return perMinute(store, 'rl:key:', config.security.rateLimit.perApiKeyPerMinute, 'API key', { keyGenerator: (_req, res) => String(res.locals.apiKeyId) });
}

/** Stream openings per client address and minute, counted in the session store like the REST limits. */
export function streamOpenings(store: SessionStore): { hit(ip: string): Promise<number> } {
  return { hit: async (ip) => (await store.countHits(`rl:stream:${ip}`, MINUTE, 1)).hits };
}
