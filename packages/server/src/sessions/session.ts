import { createHash, timingSafeEqual } from 'node:crypto';
import type { ColorStep, FaceQuality, Mode, SessionResult } from '@facelight/protocol';

/** What the verifier keeps about the trusted image: never the pixels unless configured. */
export interface TrustedFace {
  embedding: number[];
  quality: FaceQuality;
  /** Base64 of the uploaded bytes, only when `storeTrustedImage` is on. */
  image?: string;
}

/**
 * created → streaming (a browser presented the token: it is now spent) →
 * completed (the decision ran) or failed (the stream broke off first). Both
 * end states hold the result.
 */
export type SessionState = 'created' | 'streaming' | 'completed' | 'failed';

export interface Session {
  id: string;
  mode: Mode;
  useCase?: string;
  metadata?: Record<string, unknown>;
  apiKeyId: string;
  createdAt: number;
  expiresAt: number;
  /** SHA-256 of the client token: the token itself is only ever given out once. */
  clientTokenHash: string;
  state: SessionState;
  trusted?: TrustedFace;
  /**
   * Set when the stream claims the session; the nonce also marks which
   * connection owns it. `decidedBy`: by then the stream has ended and its
   * outcome is stored, unless its verifier died (absent in sessions claimed by
   * an older verifier). Dynamic: the colour sequence drawn for this nonce.
   */
  stream?: { nonce: string; startedAt: number; decidedBy?: number; colors?: ColorStep[] };
  result?: SessionResult;
}

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Compares hashes, in constant time, so neither the token nor its hash leaks through timing. */
export function tokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
