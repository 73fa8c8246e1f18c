import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startTestServer, type TestServer } from './server.js';
import { StreamClient, createSession, getResult, healthy, helloMessage, photoFrames } from './stream-support.js';

let redis: RedisServer;
let srv: TestServer;
before(async () => {
  redis = await startRedisServer();
  srv = await startTestServer({ store: { kind: 'redis', url: redis.url, commandTimeoutMs: 300 } });
});
after(async () => {
  await srv.close();
  await redis.close();
});

test('a stream whose store is unreachable ends with STORE_UNAVAILABLE (1011), not INTERNAL_ERROR; it works again after', async () => {
  const session = await createSession(srv);
  const client = await StreamClient.open(srv, session.sessionId);
  await redis.stop();
  client.send(helloMessage(session.clientToken));
  await client.expectError('STORE_UNAVAILABLE', 1011);
  await redis.start();
  const again = await createSession(srv);
  const fresh = await StreamClient.open(srv, again.sessionId);
  await fresh.hello(again.clientToken);
  fresh.close();
});

test('Redis stopped mid-capture: done ends with STORE_UNAVAILABLE (1011), the verifier stays healthy, and after Redis is back a scan completes', async () => {
  const frames = await photoFrames('obama.jpg');
  const session = await createSession(srv);
  const client = await StreamClient.open(srv, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  await client.sendFrames(frames, challenge.capture.fps);
  await redis.stop();
  client.send({ type: 'done' });
  await client.expectError('STORE_UNAVAILABLE', 1011);
  assert.ok(await healthy(srv), '/healthz is not 200 while Redis is down');
  assert.equal((await getResult(srv, session.sessionId)).status, 503);
  await redis.start();
  // A restarted Redis without persistence has lost the session: a clear 404, not a pending result.
  assert.equal((await getResult(srv, session.sessionId)).status, 404);
  const again = await createSession(srv);
  const fresh = await StreamClient.open(srv, again.sessionId);
  const next = await fresh.hello(again.clientToken);
  await fresh.sendFrames(frames, next.capture.fps);
  fresh.send({ type: 'done' });
  const result = await fresh.next();
  assert.equal(result?.type === 'result' ? result.status : result?.type, 'SUCCESS');
});
