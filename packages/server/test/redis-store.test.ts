import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { errorHandler } from '../src/http/error-handler.js';
import { healthRoutes } from '../src/routes/health.js';
import { StoreUnavailableError } from '../src/sessions/errors.js';
import { RedisSessionStore } from '../src/sessions/redis-store.js';
import type { Session } from '../src/sessions/session.js';
import { longestStall } from './event-loop.js';
import { freePort, startRedisServer, type RedisServer } from './redis-server.js';

const TIMEOUT_MS = 300;
/** A failing call may take the command timeout plus this much (timers, a loaded CI machine). */
const SLACK_MS = 700;

let redis: RedisServer;
let a: RedisSessionStore;
let b: RedisSessionStore;
before(async () => {
  redis = await startRedisServer();
  a = store();
  b = store();
});
after(async () => {
  // Optional chaining: before() may have failed (no redis-server), and that failure is the one to report.
  await Promise.all([a?.close(), b?.close()]);
  await redis?.close();
});

function store(keyPrefix = 'test:', url = redis.url, logger?: pino.Logger): RedisSessionStore {
  return new RedisSessionStore({ url, keyPrefix, commandTimeoutMs: TIMEOUT_MS, ...(logger ? { logger } : {}) });
}

function session(overrides: Partial<Session> = {}): Session {
  const now = Date.now();
  return {
    id: randomUUID(),
    mode: 'express',
    apiKeyId: 'test',
    createdAt: now,
    expiresAt: now + 60_000,
    clientTokenHash: 'ab'.repeat(32),
    state: 'created',
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The time `call` takes to reject, and that it rejects with StoreUnavailableError. */
async function failsUnavailable(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await assert.rejects(call, StoreUnavailableError);
  return performance.now() - start;
}

/** Retries `call` until it succeeds: the store reconnects on its own, within a few seconds. */
async function eventually<T>(call: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof StoreUnavailableError) || Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}

describe('the Redis session store', () => {
  test('a session written by one store is read, changed and deleted through another', async () => {
    const embedding = Array.from(Float32Array.from({ length: 512 }, (_, i) => Math.sin(i) / 3));
    const quality = { eyeDistancePx: 120.5, rollDeg: -1.25, yawDeg: 3, pitchDeg: 2, eyeOpenness: 0.31, overexposedShare: 0, underexposedShare: 0.01, dynamicRange: 0.8, illuminationRatio: 0.9, sharpness: 0.7, detectionScore: 0.99 };
    const s = session({ metadata: { user: 'ü-42 \u{1F600}', nested: { list: [1, 2] } }, trusted: { embedding, quality } });
    await a.create(s);
    assert.deepEqual(await b.get(s.id), s);

    const updated = await b.update(s.id, (x) => ({ ...x, state: 'streaming', stream: { nonce: 'n1', startedAt: 1 } }));
    assert.equal(updated?.state, 'streaming');
    assert.deepEqual(await a.get(s.id), { ...s, state: 'streaming', stream: { nonce: 'n1', startedAt: 1 } });

    assert.equal(await a.delete(s.id), true);
    assert.equal(await b.get(s.id), undefined);
    assert.equal(await b.delete(s.id), false);
    assert.equal(await b.update(s.id, (x) => ({ ...x, state: 'failed' })), undefined);
  });

  test('create refuses an id that exists, even from another store, and keeps the first', async () => {
    const first = session();
    await a.create(first);
    await assert.rejects(b.create({ ...first, apiKeyId: 'other' }), /already exists/);
    assert.equal((await a.get(first.id))?.apiKeyId, 'test');
  });

  test('keys carry the prefix: stores with another prefix do not see each other', async () => {
    const other = store('other:');
    try {
      const s = session();
      await a.create(s);
      assert.equal(await other.get(s.id), undefined);
      await other.create(s);
      assert.equal(await other.delete(s.id), true);
      assert.ok(await a.get(s.id));
    } finally {
      await other.close();
    }
  });

  test('Redis drops a session at expiresAt, and at the later expiresAt an update sets', async () => {
    const short = session({ expiresAt: Date.now() + 300 });
    const kept = session({ expiresAt: Date.now() + 300 });
    await a.create(short);
    await a.create(kept);
    // As the verifier keeps a finished result for its retention time.
    await b.update(kept.id, (x) => ({ ...x, state: 'completed', expiresAt: Date.now() + 5000 }));
    assert.ok(await a.get(short.id));
    await sleep(450);
    assert.equal(await a.get(short.id), undefined);
    assert.equal(await b.update(short.id, (x) => x), undefined);
    assert.equal((await a.get(kept.id))?.state, 'completed');
  });

  test('of 20 concurrent claims from two stores exactly one wins, and the session holds its nonce', async () => {
    const s = session();
    await a.create(s);
    const nonces = Array.from({ length: 20 }, (_, i) => `nonce-${i}`);
    // The same change as the stream's claim: only a session still 'created' moves.
    const results = await Promise.all(
      nonces.map((nonce, i) =>
        (i % 2 ? a : b).update(s.id, (x) => (x.state === 'created' ? { ...x, state: 'streaming', stream: { nonce, startedAt: i } } : x)),
      ),
    );
    const winners = nonces.filter((nonce, i) => results[i]?.stream?.nonce === nonce);
    assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
    assert.equal((await a.get(s.id))?.stream?.nonce, winners[0]);
    // Every loser saw the session as the winner left it.
    for (const r of results) assert.equal(r?.stream?.nonce, winners[0]);
  });

  test('50 concurrent read-modify-write updates from two stores lose none', async () => {
    const s = session({ metadata: { count: 0 } });
    await a.create(s);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).update(s.id, (x) => ({ ...x, metadata: { count: (x.metadata!.count as number) + 1 } }))),
    );
    assert.deepEqual((await b.get(s.id))?.metadata, { count: 50 });
  });

  test('failures are counted per source within the window, across stores', async () => {
    const source = `10.0.0.${Math.floor(Math.random() * 250)}`;
    assert.equal(await a.recordFailure(source, 400), 1);
    assert.equal(await b.recordFailure(source, 400), 2);
    assert.equal(await a.recordFailure(source, 400), 3);
    assert.equal(await b.recordFailure(`${source}:other`, 400), 1);
    await sleep(500);
    // The earlier three fell out of the window.
    assert.equal(await b.recordFailure(source, 400), 1);
  });

  test('rate-limit hits count in one fixed window across stores, never below zero', async () => {
    const key = `hits-${randomUUID()}`;
    const first = await a.countHits(key, 400, 1);
    assert.equal(first.hits, 1);
    assert.ok(first.resetAt > Date.now() + 200 && first.resetAt <= Date.now() + 400, `window ends in ${first.resetAt - Date.now()} ms`);
    assert.equal((await b.countHits(key, 400, 1)).hits, 2);
    assert.equal((await a.countHits(key, 400, -1)).hits, 1);
    assert.equal((await b.countHits(key, 400, -1)).hits, 0);
    assert.equal((await a.countHits(key, 400, -1)).hits, 0);
    assert.equal((await a.countHits(`${key}:other`, 400, 1)).hits, 1);
    await sleep(500);
    // The window ended: a hit taken back is dropped, a new hit opens a new window.
    assert.equal((await b.countHits(key, 400, -1)).hits, 0);
    assert.equal((await b.countHits(key, 400, 1)).hits, 1);
  });

  test('a lock holds on every store for its time, then lapses', async () => {
    const source = `lock-${randomUUID()}`;
    assert.equal(await b.lockedFor(source), 0);
    await a.lock(source, 400);
    const left = await b.lockedFor(source);
    assert.ok(left > 200 && left <= 400, `locked for ${left} ms`);
    await sleep(500);
    assert.equal(await b.lockedFor(source), 0);
    await a.lock(source, 10_000);
    await a.lock(source, 0);
    assert.equal(await b.lockedFor(source), 0);
  });
  test('a command Redis refuses fails without the command\'s arguments, so no session data reaches a log', async () => {
    const admin = new Redis(redis.url);
    await admin.call('ACL', 'SETUSER', 'no-writes', 'on', '>pw', '~*', '+@all', '-set');
    const url = new URL(redis.url);
    url.username = 'no-writes';
    url.password = 'pw';
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const limited = store('test:', url.toString());
    try {
      const err = await limited.create(session({ metadata: { marker: 'evidence-pixels-here' } })).then(
        () => assert.fail('Redis accepted a SET the ACL forbids'),
        (e: unknown) => e,
      );
      assert.match(String((err as Error).message), /NOPERM/);
      logger.error({ err }, 'request failed');
      assert.ok(lines.length > 0 && !lines.some((l) => l.includes('evidence-pixels-here')), lines.join('\n'));
    } finally {
      await limited.close();
      await admin.call('ACL', 'DELUSER', 'no-writes');
      admin.disconnect();
    }
  });
});

describe('the Redis store when Redis goes away', () => {
  test('every call rejects with StoreUnavailableError in time, the process stays healthy, and the store recovers after a restart', async (t) => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const logged = store('test:', redis.url, logger);
    const app = express();
    app.use(healthRoutes(() => true, () => logged.ping()));
    app.use(errorHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const readyz = async () => {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
      return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
    };
    let late: RedisSessionStore | undefined;
    try {
      const s = session();
      await logged.create(s);
      assert.equal((await readyz()).status, 200);

      await redis.stop();
      late = store();
      const calls: [string, () => Promise<unknown>][] = [
        ['create', () => logged.create(session())],
        ['get', () => logged.get(s.id)],
        ['update', () => logged.update(s.id, (x) => ({ ...x, state: 'failed' }))],
        ['delete', () => logged.delete(s.id)],
        ['recordFailure', () => logged.recordFailure('10.1.1.1', 1000)],
        ['lock', () => logged.lock('10.1.1.1', 1000)],
        ['lockedFor', () => logged.lockedFor('10.1.1.1')],
        ['countHits', () => logged.countHits('10.1.1.1', 1000, 1)],
        ['ping', () => logged.ping()],
        ['get on a store made while Redis was down', () => late!.get(s.id)],
      ];
      const { result: times, maxGapMs } = await longestStall(() => Promise.all(calls.map(([, call]) => failsUnavailable(call))));
      t.diagnostic(`with Redis stopped: ${calls.map(([name], i) => `${name} ${Math.round(times[i]!)} ms`).join(', ')}; event loop stalled at most ${Math.round(maxGapMs)} ms`);
      for (const [i, ms] of times.entries()) assert.ok(ms < TIMEOUT_MS + SLACK_MS, `${calls[i]![0]} took ${ms} ms`);
      assert.ok(maxGapMs < 200, `event loop stalled ${maxGapMs} ms`);
      assert.deepEqual(await readyz(), { status: 503, body: { error: { code: 'STORE_UNAVAILABLE', message: 'the session store cannot be reached; retry shortly' } } });

      await redis.start();
      const started = performance.now();
      await eventually(() => logged.ping());
      t.diagnostic(`store usable again ${Math.round(performance.now() - started)} ms after redis-server answered PING`);
      // A fresh Redis (no persistence): the old session is gone, new ones work on every store.
      assert.equal(await logged.get(s.id), undefined);
      const fresh = session();
      await logged.create(fresh);
      assert.deepEqual(await eventually(() => a.get(fresh.id)), fresh);
      assert.deepEqual(await eventually(() => late!.get(fresh.id)), fresh);
      assert.equal((await readyz()).status, 200);

      const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
      assert.equal(messages.filter((m) => m === 'session store unreachable; reconnecting').length, 1);
      assert.ok(messages.includes('session store reachable again'));
    } finally {
      server.close();
      await Promise.all([logged.close(), late?.close()]);
    }
  });

  test('a hung Redis (connection open, no reply) fails calls after the command timeout, and they work once it answers', async (t) => {
    const s = session();
    await a.create(s);
    redis.pause();
    try {
      const ms = await failsUnavailable(() => a.get(s.id));
      t.diagnostic(`get against a paused Redis failed after ${Math.round(ms)} ms`);
      assert.ok(ms >= TIMEOUT_MS - 20 && ms < TIMEOUT_MS + SLACK_MS, `${ms} ms`);
    } finally {
      redis.resume();
    }
    assert.deepEqual(await eventually(() => a.get(s.id)), s);
  });

  test('a store whose Redis never came up fails in time and never logs the password of its URL', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const nowhere = store('test:', `redis://:s3cret-pw@127.0.0.1:${await freePort()}`, logger);
    try {
      const ms = await failsUnavailable(() => nowhere.get('x'));
      assert.ok(ms < TIMEOUT_MS + SLACK_MS, `${ms} ms`);
      assert.ok(lines.some((l) => l.includes('session store unreachable')), lines.join('\n'));
      assert.ok(!lines.some((l) => l.includes('s3cret-pw')), 'the password reached the log');
    } finally {
      await nowhere.close();
    }
  });
});
