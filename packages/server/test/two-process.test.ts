import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import type { Session } from '../src/sessions/session.js';
import { startCliServer, type CliServer } from './cli-server.js';
import { sampleValue, scrape } from './prometheus.js';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { auth, TEST_SECURITY } from './server.js';
import { StreamClient, createSession, getResult, healthy, photoFrames, uploadTrusted, type Target } from './stream-support.js';

const KEY = 'two-process-key-0123456789';

let redis: RedisServer;
let dir: string;
let cliA: CliServer;
let cliB: CliServer;
let A: Target;
let B: Target;

/** Two built CLIs on their own ports over one Redis, as behind a load balancer. */
before(async () => {
  redis = await startRedisServer();
  dir = mkdtempSync(path.join(tmpdir(), 'facelight-two-'));
  const config = path.join(dir, 'config.json');
  // One signing key for both: a token that A issues, B checks.
  const signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  writeFileSync(config, JSON.stringify({ apiKeys: [{ id: 'test', key: KEY }], analysisThreads: 2, security: { ...TEST_SECURITY, signingKeyPem } }));
  const env = { FACELIGHT_REDIS_URL: redis.url };
  [cliA, cliB] = await Promise.all([startCliServer(['--config', config], env), startCliServer(['--config', config], env)]);
  A = { url: cliA.url, key: KEY };
  B = { url: cliB.url, key: KEY };
});
after(async () => {
  for (const cli of [cliA, cliB]) if (cli && cli.child.exitCode === null && cli.child.signalCode === null) await cli.stop();
  await redis?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a session created on A, with its trusted image, is scanned on B and its result read on A', async () => {
  assert.notEqual(A.url, B.url);
  const session = await createSession(A);
  await uploadTrusted(A, session.sessionId, 'obama-1080p.jpg');
  const client = await StreamClient.open(B, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  await client.sendFrames(await photoFrames('obama.jpg'), challenge.capture.fps);
  client.send({ type: 'done' });
  assert.deepEqual(await client.next(), { type: 'result', status: 'SUCCESS' });
  const { status, body } = await getResult(A, session.sessionId);
  assert.equal(status, 200);
  assert.equal(body.status, 'SUCCESS');
  assert.deepEqual(body.reasons, ['FACE_MATCHED']);
});

test('one client token presented to A and B at once opens exactly one stream', async () => {
  const session = await createSession(B);
  const [onA, onB] = await Promise.all([StreamClient.open(A, session.sessionId), StreamClient.open(B, session.sessionId)]);
  const outcomes = await Promise.allSettled([onA.hello(session.clientToken), onB.hello(session.clientToken)]);
  assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
  const loser = outcomes[0].status === 'rejected' ? outcomes[0] : outcomes[1];
  assert.match(String((loser as PromiseRejectedResult).reason), /TOKEN_REUSED/);
  onA.close();
  onB.close();
});

test('with Redis stopped, REST answers 503 STORE_UNAVAILABLE without crashing, and works again after a restart', async (t) => {
  await redis.stop();
  try {
    const started = performance.now();
    const created = await fetch(`${A.url}/v1/sessions`, { method: 'POST', headers: { ...auth(KEY), 'content-type': 'application/json' }, body: '{}' });
    t.diagnostic(`POST /v1/sessions with Redis stopped: ${created.status} after ${Math.round(performance.now() - started)} ms`);
    assert.equal(created.status, 503);
    assert.equal(((await created.json()) as { error: { code: string } }).error.code, 'STORE_UNAVAILABLE');
    const result = await fetch(`${A.url}/v1/sessions/00000000-0000-4000-8000-000000000000/result`, { headers: auth(KEY) });
    assert.equal(result.status, 503);
    assert.equal(((await result.json()) as { error: { code: string } }).error.code, 'STORE_UNAVAILABLE');
    assert.ok(await healthy(A));
    assert.equal(cliA.child.exitCode, null);
  } finally {
    await redis.start();
  }
  // Each process reconnects on its own, within a second or so.
  const restarted = performance.now();
  const deadline = Date.now() + 10_000;
  let session: { sessionId: string } | undefined;
  while (!session) {
    try {
      session = await createSession(A);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  t.diagnostic(`A creates sessions again ${Math.round(performance.now() - restarted)} ms after redis-server answered PING`);
  // B sees what A created in the restarted Redis.
  assert.equal((await getResult(B, session.sessionId)).status, 409);
});

test('a verifier killed mid-stream: the session is pending until its stream could have been decided, then a retryable VERIFIER_ERROR', async () => {
  const doomed = await startCliServer(['--config', path.join(dir, 'config.json')], { FACELIGHT_REDIS_URL: redis.url });
  const session = await createSession(A);
  const client = await StreamClient.open({ url: doomed.url, key: KEY }, session.sessionId);
  const hello = Date.now();
  const challenge = await client.hello(session.clientToken);
  await client.sendFrames((await photoFrames('obama.jpg')).slice(0, 3), challenge.capture.fps);
  doomed.child.kill('SIGKILL');
  await client.closed;
  // Nothing can tell a dead verifier from a slow decision until then: still pending.
  assert.equal((await getResult(A, session.sessionId)).status, 409);

  const store = new Redis(redis.url);
  try {
    const key = `facelight:session:${session.sessionId}`;
    const stored = JSON.parse((await store.get(key))!) as Session;
    // The default alignment time (60 s), the capture, the default margin (30 s), the decision timeout (55 s) and 5 s.
    const allowed = 60_000 + challenge.capture.durationMs! + 30_000 + 60_000;
    const decidedBy = stored.stream!.decidedBy!;
    assert.ok(decidedBy >= hello + allowed && decidedBy <= Date.now() + allowed, `decided by ${decidedBy - hello} ms after the hello`);
    // As if that time had passed.
    await store.set(key, JSON.stringify({ ...stored, stream: { ...stored.stream, decidedBy: Date.now() - 1 } }), 'KEEPTTL');
  } finally {
    store.disconnect();
  }
  const lost = await getResult(A, session.sessionId);
  assert.equal(lost.status, 200);
  assert.deepEqual([lost.body.status, lost.body.reasons], ['FAILURE', ['VERIFIER_ERROR']]);
  // Stored once: B reads the same outcome, and only A, which stored it, counted it.
  assert.deepEqual((await getResult(B, session.sessionId)).body, lost.body);
  const counted = async (target: Target) =>
    sampleValue(await scrape(target.url), 'facelight_sessions_total', { mode: 'express', outcome: 'FAILURE', reason: 'VERIFIER_ERROR' }) ?? 0;
  assert.deepEqual([await counted(A), await counted(B)], [1, 0]);
});

// Last: it leaves 127.0.0.1 over its refused-key limit for the rest of the minute.
test('rate limits count across processes: refused keys on A and B add up to one limit', async () => {
  const refused = (target: Target) => fetch(`${target.url}/v1/sessions`, { method: 'POST', headers: { ...auth('not-a-key'), 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status);
  const statuses: number[] = [];
  // failedAuthPerIpPerMinute is 30 by default: 20 refused on A, then 20 on B.
  for (let i = 0; i < 20; i++) statuses.push(await refused(A));
  for (let i = 0; i < 20; i++) statuses.push(await refused(B));
  assert.deepEqual(statuses, [...Array<number>(30).fill(401), ...Array<number>(10).fill(429)]);
});
