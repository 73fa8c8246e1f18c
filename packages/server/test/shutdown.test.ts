import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { startCliServer, type CliServer } from './cli-server.js';
import { face } from './data.js';
import { API_KEY, auth } from './server.js';
import { StreamClient, createSession, photoFrames, uploadTrusted, type Target } from './stream-support.js';

const running: CliServer[] = [];
after(async () => {
  for (const cli of running) if (cli.child.exitCode === null && cli.child.signalCode === null) await cli.stop();
});

async function startCli(shutdownGraceSeconds: number): Promise<{ cli: CliServer; target: Target }> {
  const config = path.join(mkdtempSync(path.join(tmpdir(), 'facelight-shutdown-')), 'config.json');
  // startCliServer waits for the info-level ready line.
  writeFileSync(config, JSON.stringify({ apiKeys: [{ id: 'test', key: API_KEY }], analysisThreads: 2, logLevel: 'info', shutdownGraceSeconds }));
  const cli = await startCliServer(['--config', config]);
  running.push(cli);
  return { cli, target: { url: cli.url, key: API_KEY } };
}

/** Resolves when the process logs a line with this message. */
function logged(child: ChildProcess, msg: string): Promise<void> {
  return new Promise((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if ((JSON.parse(line) as { msg?: string }).msg === msg) resolve();
    });
  });
}

/** A trusted-image upload whose first half is sent now and the rest on `finish()`: a request still running. */
function halfUpload(target: Target, sessionId: string, body: Buffer) {
  const req = request(`${target.url}/v1/sessions/${sessionId}/trusted-image`, {
    method: 'PUT',
    headers: { ...auth(), 'content-type': 'application/octet-stream', 'content-length': body.length },
  });
  const response = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, body.length >> 1));
  return { response, finish: () => req.end(body.subarray(body.length >> 1)) };
}

const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

test('SIGTERM during an idle stream: the client gets SHUTTING_DOWN with 1012 and the process exits 0 within the grace', async () => {
  const { cli, target } = await startCli(5);
  const session = await createSession(target);
  const client = await StreamClient.open(target, session.sessionId);
  await client.hello(session.clientToken);
  const signalled = Date.now();
  const exit = cli.stop();
  await client.expectError('SHUTTING_DOWN', 1012);
  assert.equal(await exit, 0);
  // Nothing was deciding, so nothing waited for the grace.
  assert.ok(Date.now() - signalled < 5000, `exit took ${Date.now() - signalled} ms`);
});

test('during the grace new requests and streams get 503 while a running upload and a deciding stream finish', async () => {
  const { cli, target } = await startCli(20);
  const uploading = await createSession(target);
  const upload = halfUpload(target, uploading.sessionId, readFileSync(face('obama-1080p.jpg')));

  const scanned = await createSession(target);
  await uploadTrusted(target, scanned.sessionId, 'obama-1080p.jpg');
  const client = await StreamClient.open(target, scanned.sessionId);
  await client.hello(scanned.clientToken);
  // All at once: the analyses queue up, so the decision is still running when the signal comes.
  await client.sendFrames(await photoFrames('obama.jpg'), 1000);
  client.send({ type: 'done' });
  // The done must reach the verifier before the signal does.
  await new Promise((r) => setTimeout(r, 200));

  const shuttingDown = logged(cli.child, 'shutting down');
  const exit = cli.stop();
  await shuttingDown;

  const readyz = await fetch(`${target.url}/readyz`);
  assert.equal(readyz.status, 503);
  assert.equal(await errorCode(readyz), 'SHUTTING_DOWN');
  const create = await fetch(`${target.url}/v1/sessions`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' });
  assert.equal(create.status, 503);
  assert.equal(await errorCode(create), 'SHUTTING_DOWN');
  assert.equal((await fetch(`${target.url}/healthz`)).status, 200);
  await assert.rejects(StreamClient.open(target, uploading.sessionId), /upgrade refused: 503/);

  // The stream that said done gets its decision, not SHUTTING_DOWN.
  assert.equal((await client.next(20_000))?.type, 'result');
  assert.equal((await client.closed).code, 1000);
  upload.finish();
  assert.equal(await upload.response, 200);
  assert.equal(await exit, 0);
});

test('a second SIGTERM during the grace stops the process at once, with exit code 1, however long the grace', async () => {
  const { cli, target } = await startCli(60);
  const session = await createSession(target);
  const upload = halfUpload(target, session.sessionId, readFileSync(face('obama.jpg')));
  // The exit resets the upload's connection, maybe before the exit event: handled from the start.
  const uploadEnded = upload.response.catch(() => undefined);
  const exited = new Promise<number | null>((resolve) => cli.child.once('exit', (code) => resolve(code)));
  const shuttingDown = logged(cli.child, 'shutting down');
  cli.child.kill('SIGTERM');
  await shuttingDown;
  const second = Date.now();
  cli.child.kill('SIGTERM');
  assert.equal(await exited, 1);
  assert.ok(Date.now() - second < 5000, `the second signal took ${Date.now() - second} ms`);
  upload.finish();
  await uploadEnded;
});
