import { test } from 'node:test';
import assert from 'node:assert/strict';
import { challengeSigningInput, type ChallengeMessage } from '@facelight/protocol';
import { checkOptions } from '../options.js';
import { assertChallengeSigned, base64urlBytes, importVerifierKey, isChallengeSigned, verifierKeyBytes } from './challenge-signature.js';

// Node's WebCrypto, like the browser's: the verifier signs, the SDK checks.
const keyPair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
const publicKey = Buffer.from(await crypto.subtle.exportKey('raw', keyPair.publicKey)).toString('base64url');

const challenge: ChallengeMessage = {
  type: 'challenge',
  mode: 'dynamic',
  nonce: 'mGcB7Fo0t2Xv7GFr1hXyQw',
  oval: { cx: 0.5, cy: 0.45, w: 0.45, h: 0.7 },
  capture: { maxWidth: 480, jpegQuality: 0.85, fps: 30, durationMs: 4000, maxFrames: 150, warmupMs: 500, tailMs: 500 },
  colors: [
    { rgb: [0, 0, 255], ms: 300 },
    { rgb: [0, 255, 0], ms: 250 },
  ],
};

async function sign(sessionId: string, message: ChallengeMessage, privateKey = keyPair.privateKey): Promise<ChallengeMessage> {
  const signature = await crypto.subtle.sign({ name: 'Ed25519' }, privateKey, new TextEncoder().encode(challengeSigningInput(sessionId, message)));
  return { ...message, signature: Buffer.from(signature).toString('base64url') };
}

test('a challenge signed by the verifier for this session is accepted', async () => {
  const key = await importVerifierKey(publicKey);
  const signed = await sign('sess-1', challenge);
  assert.equal(await isChallengeSigned('sess-1', signed, key), true);
  await assertChallengeSigned('sess-1', signed, key);
});

test('key order does not matter: a challenge re-serialised in another order still verifies', async () => {
  const key = await importVerifierKey(publicKey);
  const signed = await sign('sess-1', challenge);
  const reordered = JSON.parse(JSON.stringify({ signature: signed.signature, colors: signed.colors, capture: signed.capture, oval: signed.oval, nonce: signed.nonce, mode: signed.mode, type: signed.type }));
  assert.equal(await isChallengeSigned('sess-1', reordered, key), true);
});

test('fields this SDK does not know are covered too', async () => {
  const key = await importVerifierKey(publicKey);
  const signed = await sign('sess-1', { ...challenge, hint: 'from a newer verifier' } as ChallengeMessage);
  assert.equal(await isChallengeSigned('sess-1', signed, key), true);
  assert.equal(await isChallengeSigned('sess-1', { ...signed, hint: 'changed' } as ChallengeMessage, key), false);
});

for (const [what, tamper] of [
  ['a colour', (c: ChallengeMessage) => ({ ...c, colors: [{ rgb: [255, 255, 255], ms: 300 }, c.colors![1]!] })],
  ['the colour timing', (c: ChallengeMessage) => ({ ...c, colors: [{ ...c.colors![0]!, ms: 301 }, c.colors![1]!] })],
  ['the mode (downgraded to Express)', (c: ChallengeMessage) => ({ ...c, mode: 'express', colors: undefined })],
  ['the nonce', (c: ChallengeMessage) => ({ ...c, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' })],
  ['the oval', (c: ChallengeMessage) => ({ ...c, oval: { ...c.oval, w: 0.9 } })],
  ['the capture settings', (c: ChallengeMessage) => ({ ...c, capture: { ...c.capture, fps: 5 } })],
] as const) {
  test(`a challenge with ${what} changed is refused as CHALLENGE_SIGNATURE_INVALID`, async () => {
    const key = await importVerifierKey(publicKey);
    const tampered = tamper(await sign('sess-1', challenge)) as ChallengeMessage;
    assert.equal(await isChallengeSigned('sess-1', tampered, key), false);
    await assert.rejects(assertChallengeSigned('sess-1', tampered, key), { name: 'FacelightError', code: 'CHALLENGE_SIGNATURE_INVALID' });
  });
}

test("another session's signed challenge is refused", async () => {
  const key = await importVerifierKey(publicKey);
  await assert.rejects(assertChallengeSigned('sess-2', await sign('sess-1', challenge), key), { code: 'CHALLENGE_SIGNATURE_INVALID' });
});

test('a challenge signed with another key is refused', async () => {
  const other = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const key = await importVerifierKey(publicKey);
  await assert.rejects(assertChallengeSigned('sess-1', await sign('sess-1', challenge, other.privateKey), key), { code: 'CHALLENGE_SIGNATURE_INVALID' });
});

test('an unsigned challenge is refused when a verifier key is configured', async () => {
  const key = await importVerifierKey(publicKey);
  await assert.rejects(assertChallengeSigned('sess-1', challenge, key), {
    code: 'CHALLENGE_SIGNATURE_INVALID',
    message: /not signed/,
  });
});

test('a signature that is not 64 bytes of base64url is refused, not thrown on', async () => {
  const key = await importVerifierKey(publicKey);
  const signed = await sign('sess-1', challenge);
  for (const signature of ['', 'not base64url!', signed.signature!.slice(1), `${signed.signature}A`, `${signed.signature!.slice(0, 85)}+`]) {
    assert.equal(await isChallengeSigned('sess-1', { ...challenge, signature }, key), false, signature);
  }
});

test('the verifier key must be 32 bytes of unpadded base64url', () => {
  assert.equal(verifierKeyBytes(publicKey).length, 32);
  for (const bad of ['', 'abc', `${publicKey}=`, publicKey.slice(1), `${publicKey.slice(0, 42)}+`, Buffer.alloc(33).toString('base64url')]) {
    assert.throws(() => verifierKeyBytes(bad), TypeError, bad);
  }
  assert.throws(() => checkOptions({ serverUrl: 'https://v.example', sessionId: 's', clientToken: 't', verifierKey: 'nope' }), /verifierKey/);
  assert.doesNotThrow(() => checkOptions({ serverUrl: 'https://v.example', sessionId: 's', clientToken: 't', verifierKey: publicKey }));
});

test('base64url decoding matches Node', () => {
  for (const length of [1, 2, 3, 32, 64]) {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    assert.deepEqual(base64urlBytes(Buffer.from(bytes).toString('base64url'), length), bytes);
  }
});

test('a browser whose WebCrypto lacks Ed25519 (or has no WebCrypto) fails as UNSUPPORTED_BROWSER', async () => {
  const noEd25519 = { importKey: () => Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError')) } as unknown as SubtleCrypto;
  await assert.rejects(importVerifierKey(publicKey, { crypto: { subtle: noEd25519 } as Crypto }), { code: 'UNSUPPORTED_BROWSER', message: /Ed25519/ });
  await assert.rejects(importVerifierKey(publicKey, { crypto: {} as Crypto }), { code: 'UNSUPPORTED_BROWSER', message: /WebCrypto/ });
});
