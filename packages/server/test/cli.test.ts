import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { startCliServer, type CliServer } from './cli-server.js';
import { face } from './data.js';

const DEV_CONFIG = fileURLToPath(new URL('../../../examples/server/dev.config.json', import.meta.url));
const KEY = (JSON.parse(readFileSync(DEV_CONFIG, 'utf8')) as { apiKeys: { key: string }[] }).apiKeys[0]!.key;
const bearer = { authorization: `Bearer ${KEY}` };

/**
 * The CLI arguments `npm start` passes after its build, with paths made
 * absolute (npm runs scripts from the repository root): so the README's first
 * command is what these tests run.
 */
function npmStartArgs(): string[] {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  const start = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split('&&').at(-1)!.trim().split(/\s+/);
  assert.deepEqual(words.slice(0, 2), ['node', 'packages/server/dist/cli.js'], start);
  return words.slice(2).map((w, i, all) => (all[i - 1] === '--config' ? path.resolve(repo, w) : w));
}

let srv: CliServer;
before(async () => {
  const args = npmStartArgs();
  assert.deepEqual(args, ['--config', DEV_CONFIG], 'npm start serves the demo configuration the README names');
  srv = await startCliServer(args);
});
after(() => srv.stop());

test('the README flow works against the CLI with the demo configuration', async () => {
  const created = await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: '{"useCase":"login"}' });
  assert.equal(created.status, 201);
  const session = (await created.json()) as { sessionId: string; mode: string };
  assert.equal(session.mode, 'express');

  // curl --data-binary sends application/x-www-form-urlencoded unless told otherwise: it must still work.
  const upload = await fetch(`${srv.url}/v1/sessions/${session.sessionId}/trusted-image`, {
    method: 'PUT',
    headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
    body: readFileSync(face('obama-1080p.jpg')),
  });
  assert.equal(upload.status, 200);
  assert.equal(((await upload.json()) as { accepted: boolean }).accepted, true);

  const match = await fetch(`${srv.url}/v1/face-match`, {
    method: 'POST',
    headers: { ...bearer, 'content-type': 'application/json' },
    body: JSON.stringify({ imageA: readFileSync(face('obama.jpg')).toString('base64'), imageB: readFileSync(face('obama2.jpg')).toString('base64') }),
  });
  assert.equal(((await match.json()) as { match: boolean }).match, true);

  assert.equal((await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: '{}' })).status, 401);
  assert.equal((await fetch(`${srv.url}/v1/sessions/00000000-0000-4000-8000-000000000000/result`, { headers: bearer })).status, 404);
});

test('the CLI refuses an invalid configuration with a message naming the field', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const run = spawnSync(process.execPath, [cli], { env: { ...process.env, FACELIGHT_API_KEYS: '', FACELIGHT_CONFIG: '', FACELIGHT_PORT: 'eighty' }, encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /port/);
  assert.match(run.stderr, /apiKeys/);
});

test('the CLI refuses a signing key that is not an Ed25519 private key, before listening', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const dir = mkdtempSync(path.join(tmpdir(), 'facelight-cli-'));
  const config = path.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ apiKeys: [{ id: 'a', key: 'k'.repeat(16) }], security: { signingKeyPem: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' } }));
  const run = spawnSync(process.execPath, [cli, '--config', config], { env: { ...process.env, FACELIGHT_API_KEYS: '', FACELIGHT_CONFIG: '' }, encoding: 'utf8', timeout: 20_000 });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /signingKeyPem/);
});

test('SIGTERM stops the server cleanly', async () => {
  const other = await startCliServer(['--config', DEV_CONFIG]);
  assert.equal(await other.stop(), 0);
});
