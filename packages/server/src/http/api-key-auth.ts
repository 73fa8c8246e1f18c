import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { ApiKeyConfig } from '../config.js';
import { ApiError } from './api-error.js';

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
    if (!found) return next(new ApiError(401, 'UNAUTHORIZED', 'missing or invalid API key'));
    res.locals.apiKeyId = found;
    next();
  };
}
