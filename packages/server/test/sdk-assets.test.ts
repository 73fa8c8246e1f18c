import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MEDIAPIPE_TELEMETRY_URL } from '../src/assets/sdk-assets.js';
import { startTestServer, type TestServer } from './server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

test('the script-tag SDK is served as JavaScript, revalidated on every load, readable cross-origin', async () => {
  const res = await fetch(`${srv.url}/facelight/facelight.js`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
  assert.match(await res.text(), /Facelight/);
});

test('MediaPipe wasm goes out as application/wasm with a day of caching', async () => {
  const res = await fetch(`${srv.url}/facelight/assets/wasm/vision_wasm_internal.wasm`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
  assert.equal(res.headers.get('cache-control'), 'public, max-age=86400');
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual(Array.from(bytes.subarray(0, 4)), [0x00, 0x61, 0x73, 0x6d]);
});

test('the MediaPipe bundle is served without its telemetry endpoint', async () => {
  const res = await fetch(`${srv.url}/facelight/assets/vision_bundle.mjs`);
  assert.equal(res.status, 200);
  const source = await res.text();
  assert.ok(source.length > 100_000);
  assert.ok(!source.includes(MEDIAPIPE_TELEMETRY_URL));
});

test('the face landmarker model is served from the model folder', async () => {
  const res = await fetch(`${srv.url}/facelight/assets/face_landmarker.task`);
  assert.equal(res.status, 200);
  assert.equal((await res.arrayBuffer()).byteLength, 3758596);
});

test('unknown asset paths are JSON 404s, and nothing outside the asset folders is reachable', async () => {
  for (const path of ['/facelight/assets/nope.js', '/facelight/assets/wasm/../../package.json', '/facelight/assets/wasm/%2e%2e/package.json']) {
    const res = await fetch(`${srv.url}${path}`);
    assert.equal(res.status, 404, path);
  }
});
