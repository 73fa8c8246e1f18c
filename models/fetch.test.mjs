// Offline tests for fetch.mjs: a tiny fake model, a temp mirror and a local HTTP
// server stand in for the real files, the mirror and the network.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkModels, failureReport, fetchModels, readManifest, sha256File } from './fetch.mjs';

const FETCH_SCRIPT = fileURLToPath(new URL('./fetch.mjs', import.meta.url));
const GOOD = Buffer.from('tiny model weights\n');
const WRONG = Buffer.from('not the model\n');
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

let server;
let baseUrl;
let requests = 0;

before(async () => {
  server = createServer((req, res) => {
    requests += 1;
    if (req.url === '/good') res.end(GOOD);
    else if (req.url === '/wrong') res.end(WRONG);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

function entry(file, urlPath) {
  return { file, name: `fake ${file}`, sha256: sha(GOOD), source: { kind: 'url', url: `${baseUrl}${urlPath}` } };
}

async function workspace(t) {
  const root = await mkdtemp(path.join(tmpdir(), 'facelight-models-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = path.join(root, 'models');
  const mirror = path.join(root, 'mirror');
  await mkdir(dir);
  await mkdir(mirror);
  return { root, dir, mirror };
}

test('sha256File hashes the bytes and gives null for a missing file', async (t) => {
  const { dir } = await workspace(t);
  await writeFile(path.join(dir, 'abc'), 'abc');
  assert.equal(await sha256File(path.join(dir, 'abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(await sha256File(path.join(dir, 'nope')), null);
});

test('readManifest accepts the real manifest and rejects a file name with a path', async (t) => {
  const real = await readManifest();
  assert.ok(real.models.some((m) => m.file === 'face_landmarker.task'));

  const { root } = await workspace(t);
  const bad = path.join(root, 'manifest.json');
  await writeFile(bad, JSON.stringify({ models: [{ ...entry('../escape.bin', '/good') }] }));
  await assert.rejects(readManifest(bad), /escape\.bin.*plain file name/);
});

test('a missing file is copied from the mirror, verified, and left writable', async (t) => {
  const { dir, mirror } = await workspace(t);
  await writeFile(path.join(mirror, 'tiny.bin'), GOOD);
  await chmod(path.join(mirror, 'tiny.bin'), 0o444);
  const before = requests;
  const lines = [];

  const [result] = await fetchModels({ dir, manifest: { models: [entry('tiny.bin', '/missing')] }, mirror, log: (l) => lines.push(l) });

  assert.equal(result.status, 'fetched');
  assert.deepEqual(await readFile(path.join(dir, 'tiny.bin')), GOOD);
  assert.equal(requests, before, 'the network must not be used when the mirror has the file');
  assert.ok((await stat(path.join(dir, 'tiny.bin'))).mode & 0o200, 'installed copy must be writable');
  assert.deepEqual(lines, [`models: tiny.bin: fetched from mirror ${mirror}`]);
});

test('a corrupt target file is detected and replaced from the mirror', async (t) => {
  const { dir, mirror } = await workspace(t);
  const manifest = { models: [entry('tiny.bin', '/missing')] };
  await writeFile(path.join(dir, 'tiny.bin'), WRONG);
  await writeFile(path.join(mirror, 'tiny.bin'), GOOD);

  const [checked] = await checkModels(dir, manifest);
  assert.equal(checked.ok, false);
  assert.equal(checked.actual, sha(WRONG));

  const [result] = await fetchModels({ dir, manifest, mirror });
  assert.equal(result.status, 'fetched');
  assert.deepEqual(await readFile(path.join(dir, 'tiny.bin')), GOOD);
  assert.equal((await checkModels(dir, manifest))[0].ok, true);
});

test('a corrupt mirror copy is rejected and the report names file, hashes and fix', async (t) => {
  const { dir, mirror } = await workspace(t);
  await writeFile(path.join(mirror, 'tiny.bin'), WRONG);

  const results = await fetchModels({ dir, manifest: { models: [entry('tiny.bin', '/missing')] }, mirror });

  assert.equal(results[0].status, 'failed');
  assert.equal(await sha256File(path.join(dir, 'tiny.bin')), null, 'a bad copy must never be moved into place');
  const report = failureReport(results, dir);
  assert.match(report, /tiny\.bin/);
  assert.match(report, new RegExp(`expected sha256 ${sha(GOOD)}`));
  assert.match(report, new RegExp(`mirror .*got sha256 ${sha(WRONG)}`));
  assert.match(report, /HTTP 404/);
  assert.match(report, /set FACELIGHT_MODEL_MIRROR to a folder holding tiny\.bin/);
});

test('downloads from the url source, then a second run does nothing', async (t) => {
  const { dir } = await workspace(t);
  const manifest = { models: [entry('tiny.bin', '/good')] };

  const [first] = await fetchModels({ dir, manifest });
  assert.equal(first.status, 'fetched');
  assert.equal(first.from, `${baseUrl}/good`);
  assert.deepEqual(await readFile(path.join(dir, 'tiny.bin')), GOOD);
  assert.deepEqual(await readdir(path.join(dir, '.cache')), [], 'staging files must be cleaned up');

  const before = requests;
  const [second] = await fetchModels({ dir, manifest });
  assert.equal(second.status, 'present');
  assert.equal(requests, before);
});

test('a file that is already verified is left alone and nothing is created', async (t) => {
  const { dir } = await workspace(t);
  await writeFile(path.join(dir, 'tiny.bin'), GOOD);
  const before = requests;

  const [result] = await fetchModels({ dir, manifest: { models: [entry('tiny.bin', '/good')] } });

  assert.equal(result.status, 'present');
  assert.equal(requests, before);
  assert.deepEqual(await readdir(dir), ['tiny.bin'], 'the fast path must not create a cache folder');
});

test('a download with the wrong bytes never replaces the existing file', async (t) => {
  const { dir } = await workspace(t);
  await writeFile(path.join(dir, 'tiny.bin'), 'old bytes');

  const [result] = await fetchModels({ dir, manifest: { models: [entry('tiny.bin', '/wrong')] } });

  assert.equal(result.status, 'failed');
  assert.match(result.errors.join('\n'), new RegExp(`got sha256 ${sha(WRONG)}`));
  assert.equal(await readFile(path.join(dir, 'tiny.bin'), 'utf8'), 'old bytes');
});

test('every failure is reported, not just the first', async (t) => {
  const { dir } = await workspace(t);
  const manifest = { models: [entry('one.bin', '/missing'), entry('ok.bin', '/good'), entry('two.bin', '/wrong')] };

  const results = await fetchModels({ dir, manifest });

  assert.deepEqual(results.map((r) => r.status), ['failed', 'fetched', 'failed']);
  const report = failureReport(results, dir);
  assert.match(report, /2 of 3/);
  assert.match(report, /one\.bin/);
  assert.match(report, /two\.bin/);
  assert.doesNotMatch(report, /ok\.bin/);
});

async function runCli(args, options) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [FETCH_SCRIPT, ...args], options);
    return { code: 0, stdout, stderr };
  } catch (err) {
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('--check reports missing files, exits 1 and copies nothing even with a mirror', async (t) => {
  const { dir, mirror } = await workspace(t);
  await writeFile(path.join(mirror, 'face_landmarker.task'), GOOD);
  const { models } = await readManifest();

  const { code, stdout, stderr } = await runCli(['--check', '--dir', dir], {
    env: { ...process.env, FACELIGHT_MODEL_MIRROR: mirror },
  });

  assert.equal(code, 1);
  for (const { file } of models) assert.match(stdout, new RegExp(`${file}: MISSING`));
  assert.match(stderr, /face_landmarker\.task .*\n\s+expected sha256 64184e22/);
  assert.deepEqual(await readdir(dir), []);
});

test('--check finds the target from a relative FACELIGHT_MODEL_DIR and flags a corrupt file', async (t) => {
  const { root, dir } = await workspace(t);
  await writeFile(path.join(dir, 'fr_detect.onnx'), WRONG);

  const { code, stdout } = await runCli(['--check'], {
    cwd: root,
    env: { ...process.env, FACELIGHT_MODEL_DIR: 'models' },
  });

  assert.equal(code, 1);
  assert.match(stdout, /fr_detect\.onnx: CORRUPT/);
  assert.match(stdout, /fr_feature\.onnx: MISSING/);
});
