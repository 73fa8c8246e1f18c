import { challengeSigningInput, type ChallengeMessage } from '@facelight/protocol';
import { FacelightError } from '../errors.js';

const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

/** The bytes of unpadded base64url text encoding exactly `length` bytes; undefined for anything else. */
export function base64urlBytes(text: string, length: number): Uint8Array<ArrayBuffer> | undefined {
  if (text.length !== Math.ceil((length * 4) / 3) || !/^[\w-]*$/.test(text)) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The `verifierKey` option's 32 bytes; a TypeError if it is not an Ed25519 public key in base64url. */
export function verifierKeyBytes(verifierKey: string): Uint8Array<ArrayBuffer> {
  const bytes = typeof verifierKey === 'string' ? base64urlBytes(verifierKey, KEY_BYTES) : undefined;
  if (!bytes) throw new TypeError("Facelight: option verifierKey must be the verifier's Ed25519 public key, 32 bytes in base64url (43 characters)");
  return bytes;
}

/**
 * Imports the verifier's key before the stream opens, so a browser that
 * cannot check Ed25519 fails the scan before it spends the session's
 * single-use token, rather than capturing under a challenge it cannot trust.
 */
export async function importVerifierKey(verifierKey: string, scope: { crypto?: Crypto } = globalThis): Promise<CryptoKey> {
  const raw = verifierKeyBytes(verifierKey);
  // Outside a secure context `crypto.subtle` is undefined.
  const subtle = scope.crypto?.subtle as SubtleCrypto | undefined;
  if (!subtle) throw new FacelightError('UNSUPPORTED_BROWSER', 'WebCrypto is unavailable, so the challenge signature cannot be checked.');
  try {
    return await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
  } catch (err) {
    throw new FacelightError('UNSUPPORTED_BROWSER', `This browser cannot check Ed25519 signatures: ${(err as Error).message}`);
  }
}

/**
 * Whether `challenge` carries the verifier's signature for this session.
 * `challenge` is the message as received, fields this SDK does not know
 * included: they are the verifier's too, and its signature covers them.
 */
export async function isChallengeSigned(sessionId: string, challenge: ChallengeMessage, key: CryptoKey): Promise<boolean> {
  const signature = challenge.signature === undefined ? undefined : base64urlBytes(challenge.signature, SIGNATURE_BYTES);
  if (!signature) return false;
  const signed = new TextEncoder().encode(challengeSigningInput(sessionId, challenge));
  // A signature WebCrypto cannot even process proves nothing: fail closed.
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, signed).catch(() => false);
}

/** Rejects with CHALLENGE_SIGNATURE_INVALID unless `challenge` is signed for this session by `key`. */
export async function assertChallengeSigned(sessionId: string, challenge: ChallengeMessage, key: CryptoKey): Promise<void> {
  if (!(await isChallengeSigned(sessionId, challenge, key))) {
    throw new FacelightError(
      'CHALLENGE_SIGNATURE_INVALID',
      challenge.signature === undefined
        ? "The verifier's challenge is not signed, but the SDK was configured with verifierKey."
        : "The challenge's signature does not match the verifierKey and this session: it was changed on its way.",
    );
  }
}
