import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkClientToken, issueClientToken } from './client-token.js';
import { loadSigningKey } from './signing-key.js';

const key = loadSigningKey(undefined);
const NOW = 1_800_000_000_000;

test('a token opens its own session until it expires', () => {
  const token = issueClientToken(key, 'session-a', NOW + 60_000);
  assert.deepEqual(checkClientToken(key, token, 'session-a', NOW), { ok: true });
  assert.equal(checkClientToken(key, token, 'session-a', NOW + 60_000).ok, false);
  const expired = checkClientToken(key, token, 'session-a', NOW + 60_001);
  assert.equal(!expired.ok && expired.code, 'TOKEN_EXPIRED');
});

test('another session, another key, a changed payload or signature: INVALID_TOKEN', () => {
  const token = issueClientToken(key, 'session-a', NOW + 60_000);
  const code = (t: string, sid = 'session-a', k = key) => {
    const check = checkClientToken(k, t, sid, NOW);
    return check.ok ? 'ok' : check.code;
  };
  assert.equal(code(token, 'session-b'), 'INVALID_TOKEN');
  assert.equal(code(token, 'session-a', loadSigningKey(undefined)), 'INVALID_TOKEN');
  const [prefix, payload, signature] = token.split('.') as [string, string, string];
  const forged = Buffer.from(JSON.stringify({ sid: 'session-a', exp: NOW + 10 ** 9, jti: 'x'.repeat(22) })).toString('base64url');
  assert.equal(code(`${prefix}.${forged}.${signature}`), 'INVALID_TOKEN');
  const flipped = signature.slice(0, -2) + (signature.at(-2) === 'A' ? 'B' : 'A') + signature.at(-1);
  assert.equal(code(`${prefix}.${payload}.${flipped}`), 'INVALID_TOKEN');
  for (const junk of ['', 'ct1', 'ct1..', `ct2.${payload}.${signature}`, `${token}.extra`, 'a'.repeat(4000)]) assert.equal(code(junk), 'INVALID_TOKEN', junk.slice(0, 20));
});

test('tokens are unique even for one session and expiry', () => {
  assert.notEqual(issueClientToken(key, 's', NOW), issueClientToken(key, 's', NOW));
});
