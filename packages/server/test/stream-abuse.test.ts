import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeFrame, HelloMessageSchema, type ServerMessage } from '@facelight/protocol';
import { WebSocket } from 'ws';
import { MAX_TEXT_BYTES } from '../src/stream/connection.js';
import { StoreUnavailableError } from '../src/sessions/errors.js';
import type { Session } from '../src/sessions/session.js';
import { MemorySessionStore } from '../src/sessions/store.js';
import { API_KEY, startTestServer, type TestServer } from './server.js';
import { StreamClient, createSession, helloMessage, photoFrames, waitForResult, type TestFrame } from './stream-support.js';
import { capturingLogger } from './log-capture.js';
import { sampleValue, scrape } from './prometheus.js';

/*
 * A client that holds the token (or only the URL) and tries to keep streams
 * open, flood them, or fail without consequence. Every stream comes from its
 * own forwarded address (the verifier trusts the loopback proxy), so the
 * per-address limits and the lockout of one test do not touch another.
 */

const TIMEOUT_MS = 1000;
const STREAMS_PER_ADDRESS = 3;
const LOCKOUT_FAILURES = 2;

/**
 * Keeps the lockout counter readable, can make the store unreachable for one
 * session once it is streaming, and can answer late once a session's result is written.
 */
class AbuseStore extends MemorySessionStore {
  readonly failuresOf: string[] = [];
  readonly unreachable = new Set<string>();
  readonly slowToConfirm = new Set<string>();

  override async recordFailure(source: string, windowMs: number): Promise<number> {
    this.failuresOf.push(source);
    return super.recordFailure(source, windowMs);
  }

  override async update(id: string, change: (s: Session) => Session): Promise<Session | undefined> {
    if (this.unreachable.has(id) && (await super.get(id))?.state === 'streaming') throw new StoreUnavailableError('the store is down (test)');
    const updated = await super.update(id, change);
    if (this.slowToConfirm.has(id) && updated?.state === 'completed') await new Promise((r) => setTimeout(r, 300));
    return updated;
  }
}

let srv: TestServer;
let frames: TestFrame[];
const store = new AbuseStore();
const lines: Record<string, unknown>[] = [];
before(async () => {
  srv = await startTestServer(
    {
      trustProxy: 'loopback',
      useCases: { colours: { mode: 'dynamic', dynamic: { count: 16, stepMs: { min: 100, max: 250 } } } },
      stream: { helloTimeoutMs: TIMEOUT_MS, alignTimeoutMs: TIMEOUT_MS, idleTimeoutMs: TIMEOUT_MS },
      security: {
        rateLimit: { streamsPerIpPerMinute: STREAMS_PER_ADDRESS },
        lockout: { enabled: true, failures: LOCKOUT_FAILURES, windowSeconds: 60, lockSeconds: 60 },
      },
    },
    { store, logger: capturingLogger(lines) },
  );
  frames = await photoFrames('obama.jpg');
});
after(() => srv.close());

let lastAddress = 0;
/** A client address no other stream of this file used. */
const freshAddress = () => `198.51.100.${++lastAddress}`;

async function openFrom(address: string, sessionId: string): Promise<StreamClient> {
  const url = `${srv.url.replace(/^http/, 'ws')}/v1/sessions/${sessionId}/stream`;
  const client = new StreamClient(new WebSocket(url, { headers: { 'x-forwarded-for': address } }));
  await client.opened;
  return client;
}

/** A session with a browser at `address` connected and past its challenge. */
async function streaming(address = freshAddress(), body: object = {}) {
  const session = await createSession(srv, body);
  const client = await openFrom(address, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  return { session, client, challenge };
}

const camera = (n: number) => ({ type: 'camera', camera: { label: `Camera ${n}`, width: 640, height: 480, frameRate: 30 } });

/**
 * Sends a frame every `everyMs` (each re-arms the idle timer) until the
 * verifier says something or `times` frames were sent; returns what it said.
 */
async function keepBusy(client: StreamClient, everyMs: number, times: number): Promise<ServerMessage | undefined> {
  for (let i = 0; i < times; i++) {
    client.sendBinary(client.frame(frames[i % frames.length]!, i));
    try {
      return await client.next(everyMs);
    } catch {
      // Silence: the stream is still open.
    }
  }
  return client.next(2 * TIMEOUT_MS);
}

const auditsOf = (sessionId: string) =>
  lines.filter((l) => (l.audit as { sessionId?: string } | undefined)?.sessionId === sessionId).map((l): Record<string, unknown> => ({ msg: l.msg, ...(l.audit as Record<string, unknown>) }));

/** The session's audit entries, once its stored result is there (the entry is written right after). */
async function auditOnceStored(sessionId: string) {
  await waitForResult(srv, sessionId);
  await new Promise((r) => setTimeout(r, 50));
  return auditsOf(sessionId);
}

describe('holding a stream open', () => {
  test('a ninth camera change: RATE_LIMITED, and the session fails', async () => {
    const { session, client } = await streaming();
    for (let i = 0; i < 8; i++) {
      client.send(camera(i));
      await new Promise((r) => setTimeout(r, 50));
    }
    client.send(camera(8));
    assert.deepEqual(await client.next(TIMEOUT_MS / 2), { type: 'error', code: 'RATE_LIMITED', message: 'more than 8 camera changes' });
    assert.deepEqual((await waitForResult(srv, session.sessionId)).reasons, ['PROTOCOL_VIOLATION']);
  });

  test('text messages far faster than a capture sends them: RATE_LIMITED, which does not count towards the lockout', async () => {
    const address = freshAddress();
    const { session, client, challenge } = await streaming(address, { useCase: 'colours' });
    assert.equal(challenge.colors?.length, 16);
    // Valid and in order, so only their pace is wrong: 8 camera changes, every colour reported at once, then
    // one message more than the burst holds (a second hello, refused for its pace before it is read).
    for (let i = 0; i < 8; i++) client.send(camera(i));
    for (let index = 0; index < 16; index++) client.send({ type: 'display', index, t: 1000 + index });
    client.send(helloMessage(session.clientToken));
    assert.match(await client.expectError('RATE_LIMITED'), /text messages arrive faster/);
    assert.deepEqual((await waitForResult(srv, session.sessionId)).reasons, ['CONNECTION_UNSTABLE']);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(store.failuresOf.filter((a) => a === address), [], 'a burst a stalled network can cause counted towards the lockout');
  });

  test('kept busy until its session is about to expire: STREAM_TIMEOUT, and the failure is stored', async () => {
    const session = await createSession(srv);
    await store.update(session.sessionId, (s) => ({ ...s, expiresAt: Date.now() + 3000 }));
    const client = await openFrom(freshAddress(), session.sessionId);
    await client.hello(session.clientToken);
    const reply = await keepBusy(client, 400, 8);
    assert.equal(reply?.type === 'error' && reply.code, 'STREAM_TIMEOUT', JSON.stringify(reply));
    assert.equal((await client.closed).code, 1008);
    const result = await waitForResult(srv, session.sessionId);
    assert.deepEqual([result.status, result.reasons], ['FAILURE', ['SESSION_EXPIRED']]);
  });
});

describe('before the hello', () => {
  test('every opening counts towards the streams per address, not only those with a valid token', async () => {
    const address = freshAddress();
    const session = await createSession(srv);
    const silent = [];
    for (let i = 0; i < STREAMS_PER_ADDRESS; i++) silent.push(await openFrom(address, session.sessionId));
    const refused = await openFrom(address, session.sessionId);
    assert.match(await refused.expectError('RATE_LIMITED'), new RegExp(`more than ${STREAMS_PER_ADDRESS} streams a minute`));
    for (const client of silent) client.close();
    // Another address is not affected, and the session was never claimed.
    const owner = await openFrom(freshAddress(), session.sessionId);
    assert.equal((await owner.hello(session.clientToken)).type, 'challenge');
    owner.close();
  });

  test('a message larger than any hello is cut by ws (1009) before it is buffered, and counted as FRAME_TOO_LARGE', async () => {
    const tooLarge = async () => sampleValue(await scrape(srv.url), 'facelight_rejected_inputs_total', { source: 'stream', code: 'FRAME_TOO_LARGE' }) ?? 0;
    const before = await tooLarge();
    for (const send of [
      (c: StreamClient) => c.sendBinary(Buffer.alloc(MAX_TEXT_BYTES + 1)),
      (c: StreamClient) => c.send({ ...helloMessage('x'.repeat(MAX_TEXT_BYTES)) }),
    ]) {
      const session = await createSession(srv);
      const client = await openFrom(freshAddress(), session.sessionId);
      send(client);
      assert.equal(await client.next(), undefined);
      assert.equal((await client.closed).code, 1009);
    }
    assert.equal(await tooLarge(), before + 2);
  });

  test('the largest hello the schema accepts still fits', async () => {
    // Every string at its longest, in control characters JSON.stringify writes as six bytes (\u0001).
    const text = (n: number) => '\u0001'.repeat(n);
    const hello = {
      ...helloMessage(text(4096)),
      sdk: { version: text(64) },
      camera: { label: text(256), width: 16384, height: 16384, frameRate: 999.999 },
      signals: {
        webdriver: false,
        automation: Array<string>(32).fill(text(64)),
        cameraLabels: Array<string>(32).fill(text(256)),
        tamperedApis: Array<string>(32).fill(text(64)),
        webglRenderer: text(256),
        userAgent: text(512),
        platform: text(256),
        maxTouchPoints: 1000,
        hardwareConcurrency: 4096,
      },
    };
    HelloMessageSchema.parse(hello);
    const session = await createSession(srv);
    const client = await openFrom(freshAddress(), session.sessionId);
    client.send(hello);
    await client.expectError('INVALID_TOKEN');
  });
});

describe('failed streams: audit and lockout', () => {
  /** A stream that breaks the protocol after its claim: a frame with another session's nonce. */
  async function nonceMismatch(address: string) {
    const { session, client } = await streaming(address);
    client.sendBinary(encodeFrame({ type: 'frame', nonce: 'a-nonce-from-another-session', seq: 0, t: 0, w: 640, h: 480 }, frames[0]!.jpeg));
    await client.expectError('NONCE_MISMATCH');
    return session;
  }

  test('a session that ends in a stream error gets one audit entry, with the error as its reason and no secrets', async () => {
    const before = lines.length;
    const address = freshAddress();
    const session = await nonceMismatch(address);
    const audits = await auditOnceStored(session.sessionId);
    assert.deepEqual(audits, [
      {
        msg: 'session failed',
        sessionId: session.sessionId,
        apiKeyId: 'test',
        mode: 'express',
        status: 'FAILURE',
        reasons: ['NONCE_MISMATCH'],
        scores: { liveness: 0 },
        frames: 0,
        client: address,
      },
    ]);
    const text = JSON.stringify(lines.slice(before));
    assert.ok(!text.includes(session.clientToken) && !text.includes(API_KEY), 'a secret in the log');
  });

  test('a client that leaves gets one audit entry too', async () => {
    const { session, client } = await streaming();
    client.close();
    const audits = await auditOnceStored(session.sessionId);
    assert.deepEqual(audits.map((a) => [a.msg, a.reasons]), [['session failed', ['CLIENT_DISCONNECTED']]]);
  });

  test('a decision stored while its stream fails stands, and gets the one audit entry', async () => {
    const { session, client, challenge } = await streaming();
    store.slowToConfirm.add(session.sessionId);
    await client.sendFrames(frames, challenge.capture.fps);
    client.send({ type: 'done' });
    // The decision is written once the last frames are analysed; a second done breaks the stream while the store confirms it.
    while ((await store.get(session.sessionId))?.state !== 'completed') await new Promise((r) => setTimeout(r, 10));
    client.send({ type: 'done' });
    await client.expectError('UNEXPECTED_MESSAGE');
    const result = await waitForResult(srv, session.sessionId);
    assert.equal(result.status, 'SUCCESS');
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(auditsOf(session.sessionId).map((a) => [a.msg, a.status]), [['session decided', 'SUCCESS']]);
  });

  test('stream errors after the claim count towards the lockout: LOCKED_OUT', async () => {
    const address = freshAddress();
    for (let i = 0; i < LOCKOUT_FAILURES; i++) await nonceMismatch(address);
    assert.deepEqual(store.failuresOf.filter((a) => a === address).length, LOCKOUT_FAILURES);
    const session = await createSession(srv);
    const client = await openFrom(address, session.sessionId);
    client.send(helloMessage(session.clientToken));
    await client.expectError('LOCKED_OUT');
  });

  test("neither the verifier's own failures nor a client that goes silent or leaves count", async () => {
    const address = freshAddress();
    {
      const { session, client } = await streaming(address);
      store.unreachable.add(session.sessionId);
      client.send({ type: 'done' });
      await client.expectError('STORE_UNAVAILABLE', 1011);
    }
    {
      const { client } = await streaming(address);
      await client.expectError('IDLE_TIMEOUT');
    }
    {
      const { session, client } = await streaming(address);
      client.close();
      await waitForResult(srv, session.sessionId);
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(store.failuresOf.filter((a) => a === address), []);
  });
});

describe('switching cameras while aligning', () => {
  let patient: TestServer;
  before(async () => {
    patient = await startTestServer({ stream: { helloTimeoutMs: TIMEOUT_MS, alignTimeoutMs: 4 * TIMEOUT_MS, idleTimeoutMs: TIMEOUT_MS / 2 } });
  });
  after(() => patient.close());

  test('a camera change keeps the whole alignment time, not the idle timeout', async () => {
    const session = await createSession(patient);
    const client = await StreamClient.open(patient, session.sessionId);
    const challenge = await client.hello(session.clientToken);
    client.send(camera(1));
    // Past the idle timeout, well within the alignment time.
    await assert.rejects(client.next(2 * TIMEOUT_MS), /./, 'the verifier ended the stream while the user was aligning');
    await client.sendFrames(frames, challenge.capture.fps);
    client.send({ type: 'done' });
    const result = await client.next();
    assert.equal(result?.type === 'result' ? result.status : JSON.stringify(result), 'SUCCESS');
  });
});

describe('the lifetime of a stream', () => {
  let short: TestServer;
  before(async () => {
    short = await startTestServer({
      analysisThreads: 1,
      express: { capture: { durationMs: 200 } },
      stream: { helloTimeoutMs: TIMEOUT_MS, alignTimeoutMs: TIMEOUT_MS, idleTimeoutMs: TIMEOUT_MS, lifetimeMarginMs: 1000 },
    });
  });
  after(() => short.close());

  test('kept busy past the alignment, the capture and the margin: STREAM_TIMEOUT', async () => {
    const session = await createSession(short);
    const client = await StreamClient.open(short, session.sessionId);
    const started = Date.now();
    await client.hello(session.clientToken);
    const reply = await keepBusy(client, 400, 8);
    const elapsed = Date.now() - started;
    assert.equal(reply?.type === 'error' && reply.code, 'STREAM_TIMEOUT', JSON.stringify(reply));
    // 1000 ms to align + 200 ms of capture + a margin of 1000 ms.
    assert.ok(elapsed >= 2150 && elapsed < 3000, `ended after ${elapsed} ms`);
    const result = await waitForResult(short, session.sessionId);
    assert.deepEqual([result.status, result.reasons], ['FAILURE', ['SESSION_EXPIRED']]);
  });
});

describe('a decision that takes too long', () => {
  /** Writes a decision (a session going 'completed') only after a pause, as an overloaded store or process would. */
  class SlowDecisions extends MemorySessionStore {
    override async update(id: string, change: (s: Session) => Session): Promise<Session | undefined> {
      const current = await super.get(id);
      if (current && change(structuredClone(current)).state === 'completed') await new Promise((r) => setTimeout(r, 1500));
      return super.update(id, change);
    }
  }
  let slow: TestServer;
  const slowLines: Record<string, unknown>[] = [];
  before(async () => {
    slow = await startTestServer({ stream: { decisionTimeoutMs: 500 } }, { store: new SlowDecisions(), logger: capturingLogger(slowLines) });
  });
  after(() => slow.close());

  test('fails on its own as VERIFIER_BUSY, stored as VERIFIER_ERROR with one audit entry; the late verdict is logged as discarded', async () => {
    const session = await createSession(slow);
    const client = await StreamClient.open(slow, session.sessionId);
    const challenge = await client.hello(session.clientToken);
    await client.sendFrames(frames, challenge.capture.fps);
    client.send({ type: 'done' });
    assert.match(await client.expectError('VERIFIER_BUSY', 1011), /took longer than allowed/);
    assert.deepEqual((await waitForResult(slow, session.sessionId)).reasons, ['VERIFIER_ERROR']);
    // The decision's own write, once it is done waiting, finds the failure there first.
    await new Promise((r) => setTimeout(r, 1800));
    const mine = slowLines.filter((l) => JSON.stringify(l).includes(session.sessionId));
    const audits = mine.filter((l) => l.audit).map((l) => [l.msg, (l.audit as { reasons: string[] }).reasons]);
    assert.deepEqual(audits, [['session failed', ['VERIFIER_BUSY']]]);
    assert.equal(mine.filter((l) => l.msg === 'decision discarded: another outcome was stored first').length, 1);
  });
});
