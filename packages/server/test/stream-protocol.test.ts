import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, afterEach, before, describe, test } from 'node:test';
import { encodeFrame } from '@facelight/protocol';
import express from 'express';
import { MemorySessionStore } from '../src/sessions/store.js';
import { MAX_TEXT_BYTES } from '../src/stream/connection.js';
import { createApp, createVerifier } from '../src/verifier.js';
import { MODEL_DIR } from './data.js';
import { API_KEY, startTestServer, type TestServer } from './server.js';
import {
  StreamClient,
  createSession,
  frameBytes,
  getResult,
  healthy,
  helloMessage,
  photoFrames,
  waitForResult,
  type TestFrame,
} from './stream-support.js';

const HELLO_TIMEOUT_MS = 300;
const IDLE_TIMEOUT_MS = 600;

let srv: TestServer;
let frames: TestFrame[];
before(async () => {
  srv = await startTestServer({
    useCases: {
      onboarding: { mode: 'dynamic' },
      short: { mode: 'express', express: { capture: { maxFrames: 6 } } },
      long: { mode: 'express', express: { capture: { maxFrames: 150 } } },
    },
    stream: { helloTimeoutMs: HELLO_TIMEOUT_MS, alignTimeoutMs: IDLE_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS },
  });
  frames = await photoFrames('obama.jpg');
});
after(() => srv.close());
afterEach(async () => assert.ok(await healthy(srv)));

/** A session with a browser connected and past its challenge. */
async function streaming(body: object = {}) {
  const session = await createSession(srv, body);
  const client = await StreamClient.open(srv, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  return { session, client, challenge };
}

async function expectStoredFailure(sessionId: string, reason: string) {
  const result = await waitForResult(srv, sessionId);
  assert.equal(result.status, 'FAILURE');
  assert.deepEqual(result.reasons, [reason]);
}

async function expectPending(sessionId: string) {
  assert.equal((await getResult(srv, sessionId)).status, 409);
}

describe('stream authentication', () => {
  test('a wrong token is refused and does not spend the session', async () => {
    const session = await createSession(srv);
    const intruder = await StreamClient.open(srv, session.sessionId);
    intruder.send(helloMessage('not-the-token'));
    await intruder.expectError('INVALID_TOKEN');
    await expectPending(session.sessionId);
    const owner = await StreamClient.open(srv, session.sessionId);
    assert.equal((await owner.hello(session.clientToken)).type, 'challenge');
    owner.close();
  });

  test('the token of another session is refused', async () => {
    const a = await createSession(srv);
    const b = await createSession(srv);
    const client = await StreamClient.open(srv, a.sessionId);
    client.send(helloMessage(b.clientToken));
    await client.expectError('INVALID_TOKEN');
  });

  test("junk or another session's token: INVALID_TOKEN, before the store is asked", async () => {
    const other = await createSession(srv);
    for (const token of ['whatever', other.clientToken]) {
      const client = await StreamClient.open(srv, '00000000-0000-4000-8000-000000000000');
      client.send(helloMessage(token));
      await client.expectError('INVALID_TOKEN');
    }
  });

  test('a valid token whose session was deleted: SESSION_NOT_FOUND', async () => {
    const session = await createSession(srv);
    const res = await fetch(`${srv.url}/v1/sessions/${session.sessionId}`, { method: 'DELETE', headers: { authorization: `Bearer ${API_KEY}` } });
    assert.equal(res.status, 204);
    const client = await StreamClient.open(srv, session.sessionId);
    client.send(helloMessage(session.clientToken));
    await client.expectError('SESSION_NOT_FOUND');
  });

  test('the token opens one stream only, even when two connections race', async () => {
    const session = await createSession(srv);
    const [a, b] = await Promise.all([StreamClient.open(srv, session.sessionId), StreamClient.open(srv, session.sessionId)]);
    a.send(helloMessage(session.clientToken));
    b.send(helloMessage(session.clientToken));
    const replies = [await a.next(), await b.next()];
    assert.deepEqual(replies.map((r) => r?.type).sort(), ['challenge', 'error']);
    const refused = replies.find((r) => r?.type === 'error');
    assert.equal(refused?.type === 'error' && refused.code, 'TOKEN_REUSED');

    const late = await StreamClient.open(srv, session.sessionId);
    late.send(helloMessage(session.clientToken));
    await late.expectError('TOKEN_REUSED');
    a.close();
    b.close();
    await expectStoredFailure(session.sessionId, 'CLIENT_DISCONNECTED');
    const afterwards = await StreamClient.open(srv, session.sessionId);
    afterwards.send(helloMessage(session.clientToken));
    await afterwards.expectError('SESSION_CLOSED');
  });

  test('no hello before the deadline: HELLO_TIMEOUT', async () => {
    const session = await createSession(srv);
    const client = await StreamClient.open(srv, session.sessionId);
    const started = Date.now();
    await client.expectError('HELLO_TIMEOUT');
    assert.ok(Date.now() - started >= HELLO_TIMEOUT_MS - 20);
    await expectPending(session.sessionId);
  });

  test('a dynamic session gets a colour challenge of its own', async () => {
    const challenges = [];
    for (let i = 0; i < 2; i++) {
      const { client, challenge } = await streaming({ useCase: 'onboarding' });
      assert.equal(challenge.mode, 'dynamic');
      challenges.push(challenge);
      client.close();
    }
    assert.notDeepEqual(challenges[0]!.colors, challenges[1]!.colors);
    assert.notEqual(challenges[0]!.nonce, challenges[1]!.nonce);
  });
});

describe('stream messages', () => {
  test('text that is not JSON, or not a valid message: BAD_MESSAGE', async () => {
    for (const bad of ['{not json', JSON.stringify({ type: 'hello', token: 'x' }), JSON.stringify({ type: 'launch' }), JSON.stringify({ ...helloMessage('t'), admin: true })]) {
      const session = await createSession(srv);
      const client = await StreamClient.open(srv, session.sessionId);
      client.send(bad);
      await client.expectError('BAD_MESSAGE');
    }
  });

  test('a frame before hello: UNEXPECTED_MESSAGE; one larger than a hello can be, the connection is cut', async () => {
    {
      const session = await createSession(srv);
      const client = await StreamClient.open(srv, session.sessionId);
      // Small enough to be read: until the challenge no message may be larger than a hello.
      client.sendBinary(encodeFrame({ type: 'frame', nonce: 'no-challenge-yet', seq: 0, t: 0, w: 640, h: 480 }, frames[0]!.jpeg.subarray(0, 4096)));
      await client.expectError('UNEXPECTED_MESSAGE');
      await expectPending(session.sessionId);
    }
    {
      const session = await createSession(srv);
      const client = await StreamClient.open(srv, session.sessionId);
      client.sendBinary(Buffer.alloc(MAX_TEXT_BYTES + 1));
      assert.equal((await client.closed).code, 1009);
      await expectPending(session.sessionId);
    }
  });

  test('a second hello, a colour report in Express, or a frame after done: UNEXPECTED_MESSAGE', async () => {
    {
      const { session, client } = await streaming();
      client.send(helloMessage(session.clientToken));
      await client.expectError('UNEXPECTED_MESSAGE');
      await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
    }
    {
      const { client } = await streaming();
      client.send({ type: 'display', index: 0, t: 1 });
      await client.expectError('UNEXPECTED_MESSAGE');
    }
    {
      const { session, client } = await streaming();
      await client.sendFrames(frames.slice(0, 5), 1000);
      client.send({ type: 'done' });
      client.sendBinary(client.frame(frames[5]!, 5));
      await client.expectError('UNEXPECTED_MESSAGE');
      await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
    }
  });

  test('a client that reports an error ends the session as retryable', async () => {
    const { session, client } = await streaming();
    client.send({ type: 'error', code: 'CAMERA_DENIED', message: 'the user said no' });
    assert.equal((await client.closed).code, 1000);
    await expectStoredFailure(session.sessionId, 'CLIENT_DISCONNECTED');
  });

  test('silence after the challenge or between frames: IDLE_TIMEOUT', async () => {
    {
      const { session, client } = await streaming();
      await client.expectError('IDLE_TIMEOUT');
      await expectStoredFailure(session.sessionId, 'CLIENT_DISCONNECTED');
    }
    {
      const { client } = await streaming();
      await client.sendFrames(frames.slice(0, 2));
      await client.expectError('IDLE_TIMEOUT');
    }
  });
});

describe('frame limits', () => {
  test('sequence numbers that do not increase: FRAME_OUT_OF_ORDER', async () => {
    const { session, client } = await streaming();
    client.sendBinary(client.frame(frames[0]!, 5));
    client.sendBinary(client.frame(frames[1]!, 4));
    await client.expectError('FRAME_OUT_OF_ORDER');
    await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
  });

  test('a frame over the byte limit: FRAME_TOO_LARGE; far over it, the connection is cut', async () => {
    {
      const { session, client } = await streaming();
      const padded = Buffer.concat([frames[0]!.jpeg, Buffer.alloc(310 * 1024)]);
      client.sendBinary(encodeFrame({ type: 'frame', nonce: client.nonce, seq: 0, t: 0, w: 640, h: 480 }, padded));
      assert.match(await client.expectError('FRAME_TOO_LARGE'), /bytes/);
      await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
    }
    {
      const { session, client } = await streaming();
      client.sendBinary(Buffer.alloc(1024 * 1024));
      assert.equal((await client.closed).code, 1009);
      await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
    }
  });

  test('a frame wider than the challenge allows: FRAME_TOO_LARGE', async () => {
    const { client } = await streaming();
    client.sendBinary(encodeFrame({ type: 'frame', nonce: client.nonce, seq: 0, t: 0, w: 1280, h: 720 }, frames[0]!.jpeg));
    await client.expectError('FRAME_TOO_LARGE');
  });

  test('more frames than the challenge allows: TOO_MANY_FRAMES', async () => {
    const { session, client, challenge } = await streaming({ useCase: 'short' });
    assert.equal(challenge.capture.maxFrames, 6);
    await client.sendFrames(frames.slice(0, 7));
    await client.expectError('TOO_MANY_FRAMES');
    await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
  });

  test('frames far faster than the challenge fps: RATE_LIMITED after a four-second burst, stored as an unstable connection', async () => {
    const { session, client, challenge } = await streaming({ useCase: 'long' });
    // Far beyond the burst, so that the allowance refilled while a busy verifier reads them does not let them all through.
    const sent = 4 * challenge.capture.fps + 40;
    for (let seq = 0; seq < sent; seq++) client.sendBinary(client.frame(frames[seq % frames.length]!, seq));
    await client.expectError('RATE_LIMITED');
    await expectStoredFailure(session.sessionId, 'CONNECTION_UNSTABLE');
  });

  test('truncated or garbage frames: BAD_FRAME', async () => {
    const jpeg = frames[0]!.jpeg;
    const bad = [
      (nonce: string) => frameBytes(frames[0]!, 0, nonce).subarray(0, 40), // the header runs past the end
      () => Buffer.from('garbage, not a frame at all'),
      (nonce: string) => encodeFrame({ type: 'frame', nonce, seq: 0, t: 0, w: 640, h: 480 }, Buffer.concat([jpeg.subarray(0, 2000), Buffer.alloc(3000, 0x55)])),
      (nonce: string) => encodeFrame({ type: 'frame', nonce, seq: 0, t: 0, w: 640, h: 480 }, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a])),
    ];
    for (const bytes of bad) {
      const { session, client } = await streaming();
      client.sendBinary(bytes(client.nonce));
      await client.expectError('BAD_FRAME');
      await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
    }
  });

  test("a frame with another session's nonce: NONCE_MISMATCH", async () => {
    const { session, client } = await streaming();
    client.sendBinary(frameBytes(frames[0]!, 0, 'a-nonce-from-another-session'));
    await client.expectError('NONCE_MISMATCH');
    await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
  });
});

describe('attaching the stream', () => {
  test('an upgrade to any other path is a 404 and the socket is closed', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${srv.url}/v1/elsewhere`, { headers: { connection: 'Upgrade', upgrade: 'websocket' } });
      req.on('response', (res) => resolve(res.statusCode));
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 404);
    await assert.rejects(StreamClient.open(srv, 'x', '/v1/sessions/x/y/stream'), /404/);
  });

  test('under a base path, with attachStream or handleUpgrade', async () => {
    const app = express();
    app.use('/facelight', srv.verifier.router);
    const servers: Server[] = [createServer(app), createServer(app)];
    srv.verifier.attachStream(servers[0]!, { basePath: '/facelight' });
    servers[1]!.on('upgrade', (req, socket: Duplex, head: Buffer) => {
      if (!srv.verifier.handleUpgrade(req, socket, head, { basePath: '/facelight' })) socket.destroy();
    });
    try {
      for (const server of servers) {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const mounted = { ...srv, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
        const session = await createSession({ ...mounted, url: `${mounted.url}/facelight` });
        const client = await StreamClient.open(mounted, session.sessionId, `/facelight/v1/sessions/${session.sessionId}/stream`);
        assert.equal((await client.hello(session.clientToken)).type, 'challenge');
        client.close();
        await client.closed;
        await assert.rejects(StreamClient.open(mounted, session.sessionId));
      }
    } finally {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    }
  });
});

describe('shutdown', () => {
  test('closing the verifier ends live streams; their sessions fail as retryable', async () => {
    // The real in-memory store, kept readable after the verifier closes it.
    class KeptStore extends MemorySessionStore {
      override async close() {}
    }
    const store = new KeptStore();
    const verifier = createVerifier({ apiKeys: [{ id: 'test', key: API_KEY }], modelDir: MODEL_DIR, logLevel: 'silent', analysisThreads: 1 }, { store });
    await verifier.ready;
    const server = createApp(verifier).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const local = { ...srv, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, verifier };
    const session = await createSession(local);
    const client = await StreamClient.open(local, session.sessionId);
    await client.hello(session.clientToken);
    await client.sendFrames(frames.slice(0, 2));

    await verifier.close();
    await client.expectError('SHUTTING_DOWN', 1012);
    await new Promise((r) => server.close(r));
    const stored = await store.get(session.sessionId);
    assert.equal(stored?.state, 'failed');
    assert.deepEqual(stored?.result?.reasons, ['VERIFIER_ERROR']);
  });
});
