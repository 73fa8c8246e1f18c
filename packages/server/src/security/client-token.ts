import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SigningKey } from './signing-key.js';

/**
 * Client tokens: `ct1.<payload>.<signature>`, payload base64url JSON
 * `{ sid, exp, jti }`, signed with the verifier's key. The signature lets any
 * verifier process refuse a forged, expired or misdirected token before it
 * touches the store; single use is the store's business (the token's hash
 * is kept with the session and the first hello spends it).
 */
const PREFIX = 'ct1';
const PayloadSchema = z.strictObject({
  sid: z.string().min(1).max(128),
  /** Expiry, epoch milliseconds. */
  exp: z.number().int().positive(),
  jti: z.string().min(16).max(64),
});

export type TokenCheck = { ok: true } | { ok: false; code: 'INVALID_TOKEN' | 'TOKEN_EXPIRED'; message: string };

export function issueClientToken(key: SigningKey, sessionId: string, expiresAt: number): string {
  const payload = Buffer.from(JSON.stringify({ sid: sessionId, exp: expiresAt, jti: randomBytes(16).toString('base64url') })).toString('base64url');
  return `${PREFIX}.${payload}.${key.sign(`${PREFIX}.${payload}`)}`;
}

export function checkClientToken(key: SigningKey, token: string, sessionId: string, now: number): TokenCheck {
  const invalid = (message: string): TokenCheck => ({ ok: false, code: 'INVALID_TOKEN', message });
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX) return invalid('the client token is not a Facelight token');
  const [, payload, signature] = parts as [string, string, string];
  if (!key.verify(`${PREFIX}.${payload}`, signature)) return invalid('the client token signature is not valid');
  let parsed;
  try {
    parsed = PayloadSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return invalid('the client token payload is not JSON');
  }
  if (!parsed.success) return invalid('the client token payload is malformed');
  if (parsed.data.sid !== sessionId) return invalid('the client token is for another session');
  if (parsed.data.exp <= now) return { ok: false, code: 'TOKEN_EXPIRED', message: 'the client token has expired: create a new session' };
  return { ok: true };
}
