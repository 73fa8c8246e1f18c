import { ConfigError } from '../config.js';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The verifier's Ed25519 key: it signs client tokens and challenges. Every
 * process behind one load balancer must share it (a token issued by one is
 * checked by another), so production configures it; without one a key is
 * made at start, which suits a single process and tests.
 */
export interface SigningKey {
  sign(message: string | Buffer): string;
  verify(message: string | Buffer, signature: string): boolean;
  /** The raw 32-byte public key, base64url: what the SDK's `verifierKey` option takes. */
  readonly publicKey: string;
  /** Whether the key was made at start rather than configured. */
  readonly ephemeral: boolean;
}

/** A configuration error (the CLI exits 2 with it), found when the key is loaded. */
export class SigningKeyError extends ConfigError {}

/** The last 32 bytes of an Ed25519 SPKI are the raw key (RFC 8410: a fixed 12-byte prefix). */
const RAW_KEY_BYTES = 32;

export function loadSigningKey(pem: string | undefined): SigningKey {
  let privateKey: KeyObject;
  if (pem) {
    try {
      privateKey = createPrivateKey(pem);
    } catch (err) {
      throw new SigningKeyError(`security.signingKeyPem is not a PKCS#8 PEM private key: ${(err as Error).message}`);
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new SigningKeyError(`security.signingKeyPem must be an Ed25519 key, not ${privateKey.asymmetricKeyType ?? 'unknown'}`);
    }
  } else {
    privateKey = generateKeyPairSync('ed25519').privateKey;
  }
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    sign: (message) => sign(null, Buffer.from(message), privateKey).toString('base64url'),
    verify: (message, signature) => {
      const bytes = Buffer.from(signature, 'base64url');
      // base64url decoding ignores junk; a re-encoding mismatch means the text was not canonical.
      if (bytes.toString('base64url') !== signature) return false;
      return verify(null, Buffer.from(message), publicKey, bytes);
    },
    publicKey: spki.subarray(spki.length - RAW_KEY_BYTES).toString('base64url'),
    ephemeral: !pem,
  };
}
