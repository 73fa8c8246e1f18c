import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, test } from 'node:test';
import express from 'express';
import { parseConfig } from '../config.js';
import { StoreUnavailableError } from '../sessions/errors.js';
import { RedisSessionStore } from '../sessions/redis-store.js';
import { MemorySessionStore, type SessionStore } from '../sessions/store.js';
import { startRedisServer } from '../../test/redis-server.js';
import { failedAuthLimit } from './abuse-limits.js';
import { apiKeyAuth } from './api-key-auth.js';
import { errorHandler } from './error-handler.js';

const GOOD = 'good-key-0123456789abcdef';
const BAD = 'wrong-key-0123456789abcdef';
/** The default failedAuthPerIpPerMinute. */
const LIMIT = 30;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The refused-key limit and the key check as the verifier mounts them, in
 * front of a route that holds each request (a backend's slow upload) until
 * `inFlight` of them run at once, or the test ends.
 */
async function server(inFlight: number, store: SessionStore = new MemorySessionStore()) {
  const config = parseConfig({ apiKeys: [{ id: 'backend', key: GOOD }] });
  let running = 0;
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const app = express();
  app.use('/v1', failedAuthLimit(config, store), apiKeyAuth(config.apiKeys));
  app.post('/v1/upload', async (_req, res) => {
    if (++running === inFlight) release();
    await released;
    res.json({ ok: true });
  });
  app.use(errorHandler);
  const listening = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listening.once('listening', resolve));
  cleanups.push(async () => {
    release();
    listening.closeAllConnections();
    await new Promise((r) => listening.close(r));
    await store.close();
  });
  const url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/v1/upload`;
  return {
    running: () => running,
    release: () => release(),
    upload: (key: string, signal?: AbortSignal) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}` }, ...(signal ? { signal } : {}) }),
  };
}

test('40 slow uploads with a valid key in flight at once from one address are all served', async () => {
  const srv = await server(40);
  // One turned away means the 40 never run at once: let the others go, to see them all.
  const statuses = await Promise.all(Array.from({ length: 40 }, () => srv.upload(GOOD).then((r) => (r.status === 200 || srv.release(), r.status))));
  assert.deepEqual(statuses, Array<number>(40).fill(200));
});

test('31 refused keys in a minute: the 31st is RATE_LIMITED with Retry-After, and so is a good key after it', async () => {
  const srv = await server(1);
  for (let i = 0; i < LIMIT; i++) assert.equal((await srv.upload(BAD)).status, 401, `refusal ${i + 1}`);
  const limited = await srv.upload(BAD);
  assert.equal(limited.status, 429);
  assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
  const retryAfter = Number(limited.headers.get('retry-after'));
  assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
  // Checked before the key: a guesser learns nothing more until the window ends.
  assert.equal((await srv.upload(GOOD)).status, 429);
});

test('valid requests that never finish (cut, or abandoned by the client) are not held against the address', async () => {
  // Held until the test ends: none of them finishes.
  const srv = await server(Infinity);
  const abandon = new AbortController();
  const cut = Array.from({ length: LIMIT }, () => srv.upload(GOOD, abandon.signal).catch(() => 'cut'));
  while (srv.running() < LIMIT) await new Promise((r) => setTimeout(r, 10));
  abandon.abort();
  assert.deepEqual(await Promise.all(cut), Array<string>(LIMIT).fill('cut'));
  assert.equal((await srv.upload(BAD)).status, 401, 'the first refused key is only a 401');
});

test('while the store is unreachable the limit lets requests through: refused keys stay 401s', async () => {
  const down = () => Promise.reject(new StoreUnavailableError('the session store cannot be reached'));
  const srv = await server(1, Object.assign(new MemorySessionStore(), { lockedFor: down, countHits: down, lock: down }));
  for (let i = 0; i <= LIMIT; i++) assert.equal((await srv.upload(BAD)).status, 401, `refusal ${i + 1}`);
  assert.equal((await srv.upload(GOOD)).status, 200);
});

test('verifiers sharing a Redis share the limit: 20 refused keys on each, the last 10 are RATE_LIMITED, then a good key too', async () => {
  const redis = await startRedisServer();
  cleanups.push(() => redis.close());
  const shared = () => new RedisSessionStore({ url: redis.url, keyPrefix: 'facelight:', commandTimeoutMs: 1000 });
  const [a, b] = [await server(1, shared()), await server(1, shared())];
  const statuses: number[] = [];
  for (const srv of [a, b]) for (let i = 0; i < 20; i++) statuses.push((await srv.upload(BAD)).status);
  assert.deepEqual(statuses, [...Array<number>(LIMIT).fill(401), ...Array<number>(40 - LIMIT).fill(429)]);
  assert.equal((await a.upload(GOOD)).status, 429);
});
