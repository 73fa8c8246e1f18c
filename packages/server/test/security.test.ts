import assert from 'node:assert/strict';
import { createHash, webcrypto } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { challengeSigningInput, type ChallengeMessage } from '@facelight/protocol';
import { WebSocket } from 'ws';
import { MemorySessionStore } from '../src/sessions/store.js';
import { API_KEY, auth, startTestServer, type TestServer } from './server.js';
import { StreamClient, captureTime, createSession, getResult, helloMessage, photoFrames, type TestFrame } from './stream-support.js';
import { capturingLogger } from './log-capture.js';

let frames: TestFrame[];
before(async () => {
  frames = await photoFrames('obama.jpg');
});

/** A stream opened with extra upgrade headers (an Origin, a proxy's X-Forwarded-For). */
async function openWith(srv: TestServer, sessionId: string, headers: Record<string, string>): Promise<StreamClient> {
  const client = new StreamClient(new WebSocket(`${srv.url.replace(/^http/, 'ws')}/v1/sessions/${sessionId}/stream`, { headers }));
  await client.opened;
  return client;
}

const cameraNamed = (label: string) => ({ label, width: 640, height: 480, frameRate: 30 });

/** An Express scan with a chosen hello (and a camera picked after it, before the frames); returns the stored result. */
async function scan(
  srv: TestServer,
  hello: (token: string) => object = helloMessage,
  send: 'paced' | 'burst' | 'stalled' | 'duplicates' = 'paced',
  headers: Record<string, string> = {},
  pickedLater?: string,
) {
  const session = await createSession(srv);
  const client = await openWith(srv, session.sessionId, headers);
  client.send(hello(session.clientToken));
  const challenge = await client.next();
  assert.equal(challenge?.type, 'challenge', JSON.stringify(challenge));
  client.nonce = (challenge as ChallengeMessage).nonce;
  if (pickedLater) client.send({ type: 'camera', camera: cameraNamed(pickedLater) });
  if (send === 'paced') await client.sendFrames(frames);
  else if (send === 'burst') for (const [seq, f] of frames.entries()) client.sendBinary(client.frame(f, seq));
  else if (send === 'stalled') {
    // Captured in real time, held back by the uplink and released at once.
    await new Promise((r) => setTimeout(r, captureTime(frames.length)));
    for (const [seq, f] of frames.entries()) client.sendBinary(client.frame(f, seq));
  }
  else await client.sendFrames(frames.map((f, i) => frames[i - (i % 3)]!));
  client.send({ type: 'done' });
  await client.next();
  const { body } = await getResult(srv, session.sessionId);
  return body;
}

const withCamera = (label: string, signals: object = {}) => (token: string) => ({ ...helloMessage(token), camera: cameraNamed(label), signals });

describe('device and injection signals', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  test('a plain camera at real-time pace passes', async () => {
    const result = await scan(srv);
    assert.equal(result.status, 'SUCCESS', JSON.stringify(result.reasons));
  });

  test('frames a stalled uplink held back and released at once pass', async () => {
    const result = await scan(srv, helloMessage, 'stalled');
    assert.equal(result.status, 'SUCCESS', JSON.stringify(result.reasons));
  });

  test('each signal fails the session with its reason', async () => {
    assert.deepEqual((await scan(srv, withCamera('OBS Virtual Camera'))).reasons.slice(0, 1), ['VIRTUAL_CAMERA']);
    assert.deepEqual((await scan(srv, withCamera('Integrated Camera', { webdriver: true }))).reasons.slice(0, 1), ['AUTOMATION_DETECTED']);
    assert.deepEqual((await scan(srv, withCamera('Integrated Camera', { tamperedApis: ['getUserMedia'] }))).reasons.slice(0, 1), ['INJECTION_SUSPECTED']);
    assert.deepEqual((await scan(srv, helloMessage, 'burst')).reasons.slice(0, 1), ['FRAME_TIMING_ANOMALY']);
    assert.deepEqual((await scan(srv, helloMessage, 'duplicates')).reasons.slice(0, 1), ['DUPLICATE_FRAMES']);
  });

  test('the camera picked after the hello is the one weighed', async () => {
    assert.deepEqual((await scan(srv, withCamera('Integrated Camera'), 'paced', {}, 'OBS Virtual Camera')).reasons.slice(0, 1), ['VIRTUAL_CAMERA']);
    const back = await scan(srv, withCamera('OBS Virtual Camera'), 'paced', {}, 'Integrated Camera');
    assert.equal(back.status, 'SUCCESS', JSON.stringify(back.reasons));
  });

  test('a camera change once frames flow ends the stream', async () => {
    const session = await createSession(srv);
    const client = await openWith(srv, session.sessionId, {});
    client.send(helloMessage(session.clientToken));
    client.nonce = ((await client.next()) as ChallengeMessage).nonce;
    client.sendBinary(client.frame(frames[0]!, 0));
    client.send({ type: 'camera', camera: cameraNamed('Integrated Camera') });
    assert.deepEqual(await client.next(), { type: 'error', code: 'UNEXPECTED_MESSAGE', message: 'unexpected camera: the capture has started' });
  });

  test("Chromium's fake camera under automation fails by default", async () => {
    const result = await scan(srv, withCamera('fake_device_0', { webdriver: true, webglRenderer: 'Google SwiftShader' }));
    assert.equal(result.status, 'FAILURE');
    assert.deepEqual(result.reasons.slice(0, 3), ['VIRTUAL_CAMERA', 'AUTOMATION_DETECTED', 'INJECTION_SUSPECTED']);
  });
});

describe('the explicit test configuration', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ security: { lockout: { enabled: false }, allowTestCamera: true } });
  });
  after(() => srv.close());

  test("lets Chromium's fake camera and automation through, but no other virtual camera or tampering", async () => {
    assert.equal((await scan(srv, withCamera('fake_device_0', { webdriver: true, webglRenderer: 'Google SwiftShader' }))).status, 'SUCCESS');
    assert.deepEqual((await scan(srv, withCamera('OBS Virtual Camera', { webdriver: true }))).reasons.slice(0, 1), ['VIRTUAL_CAMERA']);
    assert.deepEqual((await scan(srv, withCamera('fake_device_0', { tamperedApis: ['enumerateDevices'] }))).reasons.slice(0, 1), ['INJECTION_SUSPECTED']);
  });
});

describe('tokens, signatures, retention and audit', () => {
  let srv: TestServer;
  const store = new MemorySessionStore();
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    const logger = capturingLogger(lines);
    // The test reads the store and the log.
    srv = await startTestServer({ retentionSeconds: 120, security: { lockout: { enabled: false }, clientTokenTtlSeconds: 1 } }, { store, logger });
  });
  after(() => srv.close());

  test('the challenge is signed with the key from /v1/keys over the session id and the challenge', async () => {
    const keys = (await (await fetch(`${srv.url}/v1/keys`, { headers: auth() })).json()) as { challengeSigning: { alg: string; publicKey: string } };
    assert.equal(keys.challengeSigning.alg, 'Ed25519');
    const key = await webcrypto.subtle.importKey('raw', Buffer.from(keys.challengeSigning.publicKey, 'base64url'), { name: 'Ed25519' }, false, ['verify']);
    const session = await createSession(srv);
    const client = await StreamClient.open(srv, session.sessionId);
    const challenge = await client.hello(session.clientToken);
    const verify = (c: ChallengeMessage, sid = session.sessionId) =>
      webcrypto.subtle.verify('Ed25519', key, Buffer.from(c.signature!, 'base64url'), Buffer.from(challengeSigningInput(sid, c)));
    assert.ok(await verify(challenge));
    assert.ok(!(await verify({ ...challenge, mode: 'dynamic' })));
    assert.ok(!(await verify(challenge, 'another-session')));
    client.close();
  });

  test('a token used after its lifetime: TOKEN_EXPIRED', async () => {
    const session = await createSession(srv);
    await new Promise((r) => setTimeout(r, 1100));
    const client = await StreamClient.open(srv, session.sessionId);
    client.send(helloMessage(session.clientToken));
    await client.expectError('TOKEN_EXPIRED');
  });

  test('a result is kept for the retention time; one audit entry per decision, without secrets', async () => {
    const before = lines.length;
    const session = await createSession(srv);
    const client = await StreamClient.open(srv, session.sessionId);
    await client.hello(session.clientToken);
    await client.sendFrames(frames);
    client.send({ type: 'done' });
    await client.next();
    const stored = await store.get(session.sessionId);
    assert.equal(stored?.state, 'completed');
    const kept = stored!.expiresAt - Date.parse(stored!.result!.completedAt);
    assert.ok(kept >= 119_000 && kept <= 121_000, `kept for ${kept} ms`);

    const audits = lines.slice(before).filter((l) => l.audit && (l.audit as { sessionId?: string }).sessionId === session.sessionId);
    assert.equal(audits.length, 1);
    const audit = audits[0]!.audit as Record<string, unknown>;
    assert.equal(audit.status, 'SUCCESS');
    assert.equal(audit.apiKeyId, 'test');
    assert.equal(audit.mode, 'express');
    const text = JSON.stringify(lines.slice(before));
    for (const secret of [session.clientToken, API_KEY]) {
      const leak = lines.slice(before).find((l) => JSON.stringify(l).includes(secret));
      assert.equal(leak, undefined, `a secret in the log: ${JSON.stringify(leak)?.slice(0, 400)}`);
    }
    assert.ok(!text.includes(stored!.result!.evidence.frame.slice(0, 40)), 'no image in the log');
  });
});

describe('origins, rate limits, API key hashes and lockout', () => {
  let srv: TestServer;
  const digest = createHash('sha256').update('hashed-key-0123456789abcdef').digest('hex');
  before(async () => {
    srv = await startTestServer({
      apiKeys: [{ id: 'test', key: API_KEY }, { id: 'hashed', sha256: digest }],
      security: {
        allowedOrigins: ['https://shop.example'],
        rateLimit: { failedAuthPerIpPerMinute: 5, perApiKeyPerMinute: 1000 },
        lockout: { enabled: true, failures: 2, windowSeconds: 60, lockSeconds: 60 },
      },
    });
  });
  after(() => srv.close());

  test('an API key configured as its SHA-256 authenticates; the digest itself does not', async () => {
    assert.equal((await fetch(`${srv.url}/v1/keys`, { headers: auth('hashed-key-0123456789abcdef') })).status, 200);
    assert.equal((await fetch(`${srv.url}/v1/keys`, { headers: auth(digest) })).status, 401);
  });

  test('REST: a listed origin gets CORS, another is refused with ORIGIN_NOT_ALLOWED', async () => {
    const ok = await fetch(`${srv.url}/v1/keys`, { headers: { ...auth(), origin: 'https://shop.example' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://shop.example');
    const preflight = await fetch(`${srv.url}/v1/sessions`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    assert.equal(preflight.status, 204);
    const refused = await fetch(`${srv.url}/v1/keys`, { headers: { ...auth(), origin: 'https://evil.example' } });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'ORIGIN_NOT_ALLOWED');
  });

  test('stream: an unlisted origin is refused with ORIGIN_NOT_ALLOWED; a listed one streams', async () => {
    const session = await createSession(srv);
    const url = `${srv.url.replace(/^http/, 'ws')}/v1/sessions/${session.sessionId}/stream`;
    const evil = new StreamClient(new WebSocket(url, { origin: 'https://evil.example' }));
    await evil.expectError('ORIGIN_NOT_ALLOWED');
    const good = new StreamClient(new WebSocket(url, { origin: 'https://shop.example' }));
    await good.opened;
    assert.equal((await good.hello(session.clientToken)).type, 'challenge');
    good.close();
  });

  test('failed API keys from one address are rate limited with RATE_LIMITED and Retry-After', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await fetch(`${srv.url}/v1/keys`, { headers: auth('wrong-key-0123456789abcdef') })).status);
    // Five refusals a minute are allowed, the one of the test above included.
    const firstLimited = codes.indexOf(429);
    assert.ok(firstLimited >= 4 && firstLimited <= 5 && codes.slice(firstLimited).every((c) => c === 429) && codes.slice(0, firstLimited).every((c) => c === 401), String(codes));
    const limited = await fetch(`${srv.url}/v1/keys`, { headers: auth('wrong-key-0123456789abcdef') });
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  test('after repeated failed scans the address is locked out: LOCKED_OUT', async () => {
    // The rate-limit test above may have blocked REST for this address: wait for a fresh server instead of the window.
    const locked = await startTestServer({ security: { lockout: { enabled: true, failures: 2, windowSeconds: 60, lockSeconds: 60 } } });
    try {
      for (let i = 0; i < 2; i++) assert.equal((await scan(locked, withCamera('OBS Virtual Camera'))).status, 'FAILURE');
      // Without trustProxy a forwarded-for header is the client's own word, and changes nothing.
      const session = await createSession(locked);
      const client = await openWith(locked, session.sessionId, { 'x-forwarded-for': '198.51.100.9' });
      client.send(helloMessage(session.clientToken));
      await client.expectError('LOCKED_OUT');
    } finally {
      await locked.close();
    }
  });

  test('behind a trusted proxy the lockout is per forwarded client, not per proxy', async () => {
    const locked = await startTestServer({ trustProxy: 'loopback', security: { lockout: { enabled: true, failures: 2, windowSeconds: 60, lockSeconds: 60 } } });
    try {
      const attacker = { 'x-forwarded-for': '203.0.113.7' };
      for (let i = 0; i < 2; i++) assert.equal((await scan(locked, withCamera('OBS Virtual Camera'), 'paced', attacker)).status, 'FAILURE');
      const refused = await createSession(locked);
      const again = await openWith(locked, refused.sessionId, attacker);
      again.send(helloMessage(refused.clientToken));
      await again.expectError('LOCKED_OUT');
      const other = await createSession(locked);
      const someoneElse = await openWith(locked, other.sessionId, { 'x-forwarded-for': '198.51.100.9' });
      assert.equal((await someoneElse.hello(other.clientToken)).type, 'challenge');
      someoneElse.close();
    } finally {
      await locked.close();
    }
  });
});
