import { after, before, test } from 'node:test';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startTestServer, type TestServer } from './server.js';
import { StreamClient, createSession, helloMessage } from './stream-support.js';

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
