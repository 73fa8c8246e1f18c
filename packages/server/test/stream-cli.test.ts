import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { startCliServer, type CliServer } from './cli-server.js';
import { StreamClient, createSession, getResult, photoFrames, uploadTrusted, type Target } from './stream-support.js';

const DEV_CONFIG = fileURLToPath(new URL('../../../examples/server/dev.config.json', import.meta.url));
const KEY = (JSON.parse(readFileSync(DEV_CONFIG, 'utf8')) as { apiKeys: { key: string }[] }).apiKeys[0]!.key;

let cli: CliServer;
let target: Target;
before(async () => {
  cli = await startCliServer(['--config', DEV_CONFIG]);
  target = { url: cli.url, key: KEY };
});
after(async () => {
  if (cli.child.exitCode === null && cli.child.signalCode === null) await cli.stop();
});

test('npm start serves the stream: a whole Express scan against the CLI', async () => {
  const session = await createSession(target, { useCase: 'login' });
  await uploadTrusted(target, session.sessionId, 'obama-1080p.jpg');
  const client = await StreamClient.open(target, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  await client.sendFrames(await photoFrames('obama.jpg'), challenge.capture.fps);
  client.send({ type: 'done' });
  assert.deepEqual(await client.next(), { type: 'result', status: 'SUCCESS' });
  assert.equal((await client.closed).code, 1000);
  assert.deepEqual((await getResult(target, session.sessionId)).body.reasons, ['FACE_MATCHED']);
});

test('the CLI stops cleanly on SIGTERM while a stream is live', async () => {
  const session = await createSession(target);
  const client = await StreamClient.open(target, session.sessionId);
  await client.hello(session.clientToken);
  const exit = cli.stop();
  await client.expectError('SHUTTING_DOWN', 1012);
  assert.equal(await exit, 0);
});
