import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { auth, startTestServer, type TestServer } from './server.js';
import {
  StreamClient,
  createSession,
  getResult,
  healthy,
  photoFrames,
  uploadTrusted,
  waitForResult,
  type TestFrame,
} from './stream-support.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());
afterEach(async () => assert.ok(await healthy(srv)));

/** A whole Express scan as a browser runs it; returns what the browser heard and what the backend gets. */
async function scan(frames: readonly TestFrame[], trusted?: string) {
  const session = await createSession(srv);
  if (trusted) await uploadTrusted(srv, session.sessionId, trusted);
  const client = await StreamClient.open(srv, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  await client.sendFrames(frames, challenge.capture.fps);
  client.send({ type: 'done' });
  const reply = await client.next();
  const { code } = await client.closed;
  const { status, body: result } = await getResult(srv, session.sessionId);
  assert.equal(status, 200);
  return { challenge, reply, closeCode: code, result };
}

describe('Express stream outcomes', () => {
  test('the same person as the trusted image: SUCCESS with FACE_MATCHED and an evidence frame', async () => {
    const { challenge, reply, closeCode, result } = await scan(await photoFrames('obama.jpg'), 'obama-1080p.jpg');
    assert.equal(challenge.mode, 'express');
    assert.match(challenge.nonce, /^[A-Za-z0-9_-]{22,}$/);
    assert.deepEqual(challenge.oval, { cx: 0.5, cy: 0.48, w: 0.42, h: 0.72 });
    assert.deepEqual(challenge.capture, { maxWidth: 640, jpegQuality: 0.85, fps: 15, durationMs: 1000, maxFrames: 30 });
    assert.equal(challenge.colors, undefined);

    assert.deepEqual(reply, { type: 'result', status: 'SUCCESS' });
    assert.equal(closeCode, 1000);
    assert.equal(result.status, 'SUCCESS');
    assert.equal(result.mode, 'express');
    assert.deepEqual(result.reasons, ['FACE_MATCHED']);
    assert.ok(result.scores.faceMatch! >= 0.4, `face match ${result.scores.faceMatch}`);
    assert.ok(result.scores.liveness >= 0.5, `liveness ${result.scores.liveness}`);
    const evidence = await sharp(Buffer.from(result.evidence.frame, 'base64')).metadata();
    assert.equal(evidence.format, 'jpeg');
    assert.deepEqual([evidence.width, evidence.height, result.evidence.width, result.evidence.height], [640, 480, 640, 480]);
    assert.ok(Number.isInteger(result.evidence.seq));
    assert.ok(Date.parse(result.completedAt) <= Date.now());
  });

  test('another person: FAILURE with FACE_MISMATCH for the backend, a bare FAILURE for the browser', async () => {
    const { reply, result } = await scan(await photoFrames('biden.jpg'), 'obama-1080p.jpg');
    assert.deepEqual(reply, { type: 'result', status: 'FAILURE' });
    assert.equal(result.status, 'FAILURE');
    assert.deepEqual(result.reasons, ['FACE_MISMATCH']);
    assert.ok(result.scores.faceMatch! < 0.4);
    assert.ok(result.evidence.frame.length > 1000);
  });

  test('no trusted image: SUCCESS on liveness alone', async () => {
    const { reply, result } = await scan(await photoFrames('obama.jpg'));
    assert.deepEqual(reply, { type: 'result', status: 'SUCCESS' });
    assert.deepEqual(result.reasons, ['LIVENESS_ONLY']);
    assert.equal(result.scores.faceMatch, undefined);
  });

  test('frames without a face: NO_FACE, with a retry hint for the user', async () => {
    const { reply, result } = await scan(await photoFrames('white.png'), 'obama-1080p.jpg');
    assert.deepEqual(reply, { type: 'result', status: 'FAILURE', retry: { code: 'NO_FACE' } });
    assert.deepEqual(result.reasons, ['NO_FACE']);
  });

  test('two people in the frames: MULTIPLE_FACES, with a retry hint', async () => {
    const { reply, result } = await scan(await photoFrames('two_people.jpg', 15, 'whole'));
    assert.deepEqual(reply, { type: 'result', status: 'FAILURE', retry: { code: 'MULTIPLE_FACES' } });
    assert.deepEqual(result.reasons, ['MULTIPLE_FACES']);
  });

  test('too few frames before done: TOO_FEW_FRAMES, with a retry hint', async () => {
    const { reply, result } = await scan((await photoFrames('obama.jpg')).slice(0, 3));
    assert.deepEqual(reply, { type: 'result', status: 'FAILURE', retry: { code: 'TOO_FEW_FRAMES' } });
    assert.deepEqual(result.reasons, ['TOO_FEW_FRAMES']);
  });

  test('a client that leaves mid-stream fails the session as CLIENT_DISCONNECTED', async () => {
    const session = await createSession(srv);
    const client = await StreamClient.open(srv, session.sessionId);
    await client.hello(session.clientToken);
    await client.sendFrames((await photoFrames('obama.jpg')).slice(0, 4));
    client.ws.terminate();
    const result = await waitForResult(srv, session.sessionId);
    assert.equal(result.status, 'FAILURE');
    assert.deepEqual(result.reasons, ['CLIENT_DISCONNECTED']);
    assert.equal(result.scores.liveness, 0);
  });

  test('once scanned, the trusted image can no longer change', async () => {
    const session = await createSession(srv);
    const client = await StreamClient.open(srv, session.sessionId);
    await client.hello(session.clientToken);
    const res = await fetch(`${srv.url}/v1/sessions/${session.sessionId}/trusted-image`, { method: 'PUT', headers: auth(), body: Buffer.from('x') });
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SESSION_NOT_OPEN');
    client.close();
    await client.closed;
  });
});
