import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, RequestHandler, Response } from 'express';
import type { ApiKeyConfig } from '../config.js';
import { ApiError } from './api-error.js';

/** Answers a refused key in apiKeyAuth's place: with `unauthorized` (the 401) or another error. */
export type RefusalListener = (unauthorized: ApiError, answer: NextFunction) => void | Promise<void>;

const refusalListeners = new WeakMap<Response, RefusalListener>();

/**
 * Lets a limiter mounted before apiKeyAuth hear of a refused key on this
 * response, and answer it (see failedAuthLimit): only the key check knows
 * which requests were refused, and only once they are.
 */
export function onKeyRefused(res: Response, listener: RefusalListener): void {
  refusalListeners.set(res, listener);
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Bearer API key check. Keys are compared as SHA-256 digests with
 * timingSafeEqual, so neither the content nor the length of a key leaks
 * through response timing; every configured key is compared every time.
 * Configured as digests, the keys themselves are never in the config file.
 */
export function apiKeyAuth(keys: readonly ApiKeyConfig[]): RequestHandler {
  const known = keys.map((k) => ({ id: k.id, digest: 'key' in k ? digest(k.key) : Buffer.from(k.sha256, 'hex') }));
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const presented = digest(match?.[1] ?? '');
    let found: string | undefined;
    for (const k of known) if (timingSafeEqual(k.digest, presented) && match) found = k.id;
    if (!found) {
      const unauthorized = new ApiError(401, 'UNAUTHORIZED', 'missing or invalid API key');
      const listener = refusalListeners.get(res);
      return listener ? listener(unauthorized, next) : next(unauthorized);
    }
    res.locals.apiKeyId = found;
    next();
  };
}
