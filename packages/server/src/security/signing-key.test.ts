import assert from 'node:assert/strict';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { test } from 'node:test';
import { loadSigningKey, SigningKeyError } from './signing-key.js';

test('a configured key signs; its raw public key verifies with WebCrypto as the SDK does', async () => {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const key = loadSigningKey(pem);
  assert.equal(key.ephemeral, false);
  assert.equal(loadSigningKey(pem).publicKey, key.publicKey);
  const signature = key.sign('hello');
  assert.ok(key.verify('hello', signature));
  assert.ok(!key.verify('hellO', signature));
  const pub = await webcrypto.subtle.importKey('raw', Buffer.from(key.publicKey, 'base64url'), { name: 'Ed25519' }, false, ['verify']);
  assert.ok(await webcrypto.subtle.verify('Ed25519', pub, Buffer.from(signature, 'base64url'), Buffer.from('hello')));
});

test('without a key one is made at start; a wrong key type or junk is refused with a clear error', () => {
  const made = loadSigningKey(undefined);
  assert.equal(made.ephemeral, true);
  assert.equal(Buffer.from(made.publicKey, 'base64url').length, 32);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  assert.throws(() => loadSigningKey(rsa), (e: unknown) => e instanceof SigningKeyError && /Ed25519/.test(e.message));
  assert.throws(() => loadSigningKey('not a key'), SigningKeyError);
});

test('a signature with junk around it does not verify', () => {
  const key = loadSigningKey(undefined);
  const signature = key.sign('m');
  assert.ok(!key.verify('m', `${signature}!`));
  assert.ok(!key.verify('m', ''));
});
