import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { launchChromium } from './support/browser.js';
import { makeFakeCamera } from './support/fake-camera.js';
import { E2E_API_KEY, photo, startVerifier } from './support/verifier.js';

const repo = fileURLToPath(new URL('../', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

test('the SPA example type-checks and builds against the published SDK types and ESM build', () => {
  const run = spawnSync('npm', ['run', 'build', '-w', '@facelight/example-spa'], { cwd: repo, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const html = readFileSync(`${repo}examples/spa/dist/index.html`, 'utf8');
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script && existsSync(`${repo}examples/spa/dist${script}`));
  assert.match(readFileSync(`${repo}examples/spa/dist${script}`, 'utf8'), /facelight-capture/);
});

test('the script-tag example works from another origin through the integrator backend example', async () => {
  // The backend's page is on another origin, which the verifier must be told to allow.
  const port = await freePort();
  const verifier = await startVerifier({ security: { allowedOrigins: [`http://127.0.0.1:${port}`] } });
  const backend = spawn(process.execPath, [`${repo}examples/backend/server.mjs`], {
    env: { ...process.env, PORT: String(port), FACELIGHT_URL: verifier.url, FACELIGHT_API_KEY: E2E_API_KEY, TRUSTED_IMAGE: photo('face_recognition', 'obama2.jpg') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const browser = await launchChromium({ cameraFile: makeFakeCamera(photo('face_recognition', 'obama.jpg'), { x: 382, y: 86, w: 222, h: 321 }, 'obama') });
  try {
    const pageUrl = await new Promise<string>((resolve, reject) => {
      backend.once('exit', (code) => reject(new Error(`backend exited with ${code}`)));
      createInterface({ input: backend.stdout! }).on('line', (line) => {
        const url = /on (http:\/\/\S+)/.exec(line)?.[1];
        if (url) resolve(url);
      });
    });
    assert.notEqual(new URL(pageUrl).origin, new URL(verifier.url).origin);
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(pageUrl);
    // The page loaded the SDK pinned to the build's hash, not merely from the verifier.
    const sri = readFileSync(`${repo}packages/web/dist/facelight.js.sri`, 'utf8').trim();
    assert.equal(await page.getAttribute('script[src$="facelight.js"]', 'integrity'), sri);
    await page.click('#go');
    await page.waitForFunction(() => document.getElementById('outcome')?.textContent, undefined, { timeout: 60_000 });
    assert.equal(await page.textContent('#outcome'), 'Verified.');
  } finally {
    await browser.close();
    backend.kill('SIGTERM');
    await verifier.stop();
  }
});
