import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createMetrics } from '../src/metrics/registry.js';
import { face } from './data.js';
import { parseMetrics, sampleValue, scrape } from './prometheus.js';
import { auth, startTestServer, type TestServer } from './server.js';
import { StreamClient, createSession } from './stream-support.js';

const read = async (metrics: ReturnType<typeof createMetrics>) => parseMetrics(await metrics.registry.metrics());

describe('metrics registry', () => {
  test('a decided session counts by mode, outcome and first reason, and times the decision', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.sessionEnded('express', 'SUCCESS', ['FACE_MATCHED', 'LIVENESS_PASSED'], 0.3);
    metrics.sessionEnded('dynamic', 'FAILURE', ['CLIENT_DISCONNECTED']);
    const samples = await read(metrics);
    assert.equal(sampleValue(samples, 'facelight_sessions_total', { mode: 'express', outcome: 'SUCCESS', reason: 'FACE_MATCHED' }), 1);
    assert.equal(sampleValue(samples, 'facelight_sessions_total', { mode: 'dynamic', outcome: 'FAILURE', reason: 'CLIENT_DISCONNECTED' }), 1);
    assert.equal(sampleValue(samples, 'facelight_decision_seconds_count', { mode: 'express' }), 1);
    assert.equal(sampleValue(samples, 'facelight_decision_seconds_sum', { mode: 'express' }), 0.3);
    assert.equal(sampleValue(samples, 'facelight_decision_seconds_bucket', { mode: 'express', le: '0.2' }), 0);
    assert.equal(sampleValue(samples, 'facelight_decision_seconds_bucket', { mode: 'express', le: '0.3' }), 1);
    // A stream that ended before `done` has no decision latency to report.
    assert.equal(sampleValue(samples, 'facelight_decision_seconds_count', { mode: 'dynamic' }), undefined);
  });

  test('stream errors and API errors count apart; open streams are a gauge', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.streamRefused('RATE_LIMITED');
    metrics.apiRefused('RATE_LIMITED');
    metrics.apiRefused('RATE_LIMITED');
    metrics.streamOpened();
    metrics.streamOpened();
    metrics.streamClosed();
    const samples = await read(metrics);
    assert.equal(sampleValue(samples, 'facelight_rejected_inputs_total', { source: 'stream', code: 'RATE_LIMITED' }), 1);
    assert.equal(sampleValue(samples, 'facelight_rejected_inputs_total', { source: 'api', code: 'RATE_LIMITED' }), 2);
    assert.equal(sampleValue(samples, 'facelight_active_streams'), 1);
  });

  test('a failed inference task is timed too, and its error passes through', async () => {
    const metrics = createMetrics({ processMetrics: false });
    await assert.rejects(
      metrics.timeInference('liveness', () => Promise.reject(new Error('worker died'))),
      /worker died/,
    );
    assert.equal(await metrics.timeInference('image', async () => 42), 42);
    const samples = await read(metrics);
    assert.equal(sampleValue(samples, 'facelight_inference_seconds_count', { task: 'liveness' }), 1);
    assert.equal(sampleValue(samples, 'facelight_inference_seconds_count', { task: 'image' }), 1);
  });

  test('inference tasks not yet finished are a gauge, so a growing queue shows', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const finish: (() => void)[] = [];
    const running = [1, 2, 3].map(() => metrics.timeInference('regions', () => new Promise<void>((resolve) => finish.push(resolve))));
    assert.equal(sampleValue(await read(metrics), 'facelight_analysis_pending_tasks'), 3);
    finish.shift()!();
    await running[0];
    assert.equal(sampleValue(await read(metrics), 'facelight_analysis_pending_tasks'), 2);
    for (const f of finish) f();
    await Promise.all(running);
    assert.equal(sampleValue(await read(metrics), 'facelight_analysis_pending_tasks'), 0);
  });

  test('each verifier has its own registry; process metrics only when asked for', async () => {
    const a = createMetrics({ processMetrics: true });
    const b = createMetrics({ processMetrics: false });
    a.apiRefused('NOT_FOUND');
    const [sa, sb] = [await read(a), await read(b)];
    assert.equal(sampleValue(sa, 'facelight_rejected_inputs_total', { source: 'api', code: 'NOT_FOUND' }), 1);
    assert.equal(sampleValue(sb, 'facelight_rejected_inputs_total', { source: 'api', code: 'NOT_FOUND' }), undefined);
    assert.ok(sampleValue(sa, 'process_resident_memory_bytes')! > 0);
    assert.ok(sa.some((s) => s.name === 'nodejs_eventloop_lag_p99_seconds'));
    assert.ok(!sb.some((s) => s.name.startsWith('process_') || s.name.startsWith('nodejs_')));
  });
});

describe('GET /metrics on a verifier', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(() => srv.close());

  const faceMatch = () =>
    fetch(`${srv.url}/v1/face-match`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ imageA: readFileSync(face('obama.jpg')).toString('base64'), imageB: readFileSync(face('obama2.jpg')).toString('base64') }),
    });

  test('a face match and a refused oversized image show with their labels', async () => {
    assert.equal((await faceMatch()).status, 200);
    const { sessionId } = await createSession(srv);
    const oversized = await fetch(`${srv.url}/v1/sessions/${sessionId}/trusted-image`, {
      method: 'PUT',
      headers: auth(),
      body: Buffer.concat([readFileSync(face('obama-1080p.jpg')), Buffer.alloc(2 * 1024 * 1024)]),
    });
    assert.equal(oversized.status, 413);

    const res = await fetch(`${srv.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const samples = parseMetrics(text);
    // Both images of the face match went through the analysis pool in full.
    assert.equal(sampleValue(samples, 'facelight_inference_seconds_count', { task: 'image' }), 2);
    assert.ok(sampleValue(samples, 'facelight_inference_seconds_sum', { task: 'image' })! > 0);
    assert.equal(sampleValue(samples, 'facelight_rejected_inputs_total', { source: 'api', code: 'IMAGE_TOO_LARGE' }), 1);
    assert.ok(sampleValue(samples, 'process_resident_memory_bytes')! > 0);
    for (const name of ['facelight_sessions_total', 'facelight_decision_seconds', 'facelight_active_streams', 'nodejs_eventloop_lag_seconds']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'));
    }
  });

  test('every API error code is counted, the 404 of an unknown route too; polling for a pending result is not', async () => {
    const before = sampleValue(await scrape(srv.url), 'facelight_rejected_inputs_total', { source: 'api', code: 'UNAUTHORIZED' }) ?? 0;
    assert.equal((await fetch(`${srv.url}/v1/face-match`, { method: 'POST' })).status, 401);
    assert.equal((await fetch(`${srv.url}/v1/nothing-here`, { headers: auth() })).status, 404);
    const { sessionId } = (await (await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' })).json()) as { sessionId: string };
    assert.equal((await fetch(`${srv.url}/v1/sessions/${sessionId}/result`, { headers: auth() })).status, 409);
    const samples = await scrape(srv.url);
    assert.equal(sampleValue(samples, 'facelight_rejected_inputs_total', { source: 'api', code: 'RESULT_PENDING' }), undefined);
    assert.equal(sampleValue(samples, 'facelight_rejected_inputs_total', { source: 'api', code: 'UNAUTHORIZED' }), before + 1);
    assert.ok(sampleValue(samples, 'facelight_rejected_inputs_total', { source: 'api', code: 'NOT_FOUND' })! >= 1);
  });

  test('facelight_active_streams follows the open streams', async () => {
    const active = async () => sampleValue(await scrape(srv.url), 'facelight_active_streams');
    const { sessionId } = await createSession(srv);
    const client = await StreamClient.open(srv, sessionId);
    assert.equal(await active(), 1);
    client.close();
    await client.closed;
    await waitFor(async () => (await active()) === 0);
  });
});

describe('GET /metrics with metrics disabled', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ metrics: { enabled: false } });
  });
  after(() => srv.close());

  test('is a 404', async () => {
    const res = await fetch(`${srv.url}/metrics`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
