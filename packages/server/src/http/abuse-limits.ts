import type { RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options } from 'express-rate-limit';
import cors from 'cors';
import type { Config } from '../config.js';
import type { SessionStore } from '../sessions/store.js';
import { originAllowed } from '../security/origin.js';
import { ApiError } from './api-error.js';
import { onKeyRefused } from './api-key-auth.js';
import { StoreRateLimit } from './store-rate-limit.js';

const MINUTE = 60_000;

/**
 * Pages on other origins may call the REST API only when listed: CORS tells
 * the browser so, and a request whose Origin is not allowed is refused
 * outright (a browser would send it anyway for "simple" requests). The own
 * origin is what trusted proxies say it is, as for the stream (streamClient).
 */
export function originPolicy(allowed: readonly string[]): RequestHandler[] {
  const check: RequestHandler = (req, _res, next) => {
    const origin = req.get('origin');
    if (!originAllowed(origin, `${req.protocol}://${req.host ?? ''}`, allowed)) {
      return next(new ApiError(403, 'ORIGIN_NOT_ALLOWED', `pages at ${origin} may not call this API: add the origin to security.allowedOrigins`));
    }
    next();
  };
  return [check, cors({ origin: [...allowed], methods: ['GET', 'POST', 'PUT', 'DELETE'], allowedHeaders: ['authorization', 'content-type'], maxAge: 600 })];
}

const rateLimited = (what: string) => new ApiError(429, 'RATE_LIMITED', `too many requests from this ${what}: slow down`);

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
    handler: (_req, _res, next) => next(rateLimited(what)),
    ...extra,
  });

/** Before authentication: requests per client address, whatever key they carry. */
export function perIpLimit(config: Config, store: SessionStore): RequestHandler {
  return perMinute(store, 'rl:ip:', config.security.rateLimit.perIpPerMinute, 'address');
}

/**
 * Before authentication: refused API keys per client address, so guessing keys
 * is slow. Only refusals count, as apiKeyAuth makes them: counting every
 * request and taking the good ones back when they finish would hold an
 * integrator's slow uploads against its address while they run, and keep
 * those that never finish (cut by the request timeout). The refusal that
 * reaches the limit locks the address until the window ends; that lock is
 * checked before the key, so the next guess gets no answer either way.
 */
export function failedAuthLimit(config: Config, store: SessionStore): RequestHandler {
  const limit = config.security.rateLimit.failedAuthPerIpPerMinute;
  return async (req, res, next) => {
    // As express-rate-limit keys the other limits: an IPv6 client's whole /56 is one address.
    const key = `rl:auth:${ipKeyGenerator(req.ip ?? 'unknown')}`;
    const lockedMs = await passOnStoreError(store.lockedFor(key));
    if (lockedMs) return next(retryAfter(res, lockedMs));
    onKeyRefused(res, async (unauthorized, answer) => {
      const counted = await passOnStoreError(store.countHits(key, MINUTE, 1));
      if (!counted) return answer(unauthorized);
      const leftMs = counted.resetAt - Date.now();
      if (counted.hits >= limit) await passOnStoreError(store.lock(key, leftMs));
      // Beyond the limit only when refusals raced past the lock.
      answer(counted.hits > limit ? retryAfter(res, leftMs) : unauthorized);
    });
    next();
  };
}

/** The 429 of the refused-key limit, with the Retry-After express-rate-limit gives the others. */
function retryAfter(res: Response, ms: number): ApiError {
  res.set('Retry-After', String(Math.max(1, Math.ceil(ms / 1000))));
  return rateLimited('address');
}

/** Store trouble (undefined) lets requests through, as `passOnStoreError` does for the other limits. */
const passOnStoreError = <T>(pending: Promise<T>): Promise<T | undefined> => pending.catch(() => undefined);

/** After authentication: requests per API key, whatever addresses they come from. */
export function perApiKeyLimit(config: Config, store: SessionStore): RequestHandler {
  return perMinute(store, 'rl:key:', config.security.rateLimit.perApiKeyPerMinute, 'API key', { keyGenerator: (_req, res) => String(res.locals.apiKeyId) });
}

/** Stream openings per client address and minute, counted in the session store like the REST limits. */
export function streamOpenings(store: SessionStore): { hit(ip: string): Promise<number> } {
  return { hit: async (ip) => (await store.countHits(`rl:stream:${ip}`, MINUTE, 1)).hits };
}
