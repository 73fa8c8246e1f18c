import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { API_KEY, startTestServer, type TestServer } from './server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ requestTimeoutSeconds: 2 });
});
after(() => srv.close());

/** Sends raw bytes and resolves with the status line and body the server answers ('' if it just closes). */
function raw(request: string, body: Buffer, endAfterWrite: boolean): Promise<{ status: string; body: string; ms: number }> {
  const { port } = new URL(srv.url);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(request);
      socket.write(body);
      if (endAfterWrite) socket.end();
    });
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve({ status: answer.split('\r\n')[0] ?? '', body: answer.split('\r\n\r\n')[1] ?? '', ms: performance.now() - started }));
    socket.on('error', reject);
  });
}

async function sessionId(): Promise<string> {
  const res = await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' }, body: '{}' });
  return ((await res.json()) as { sessionId: string }).sessionId;
}

test('a body shorter than its Content-Length is cut with a coded 408 before the request timeout, and the server stays healthy', async () => {
  const id = await sessionId();
  const head = `PUT /v1/sessions/${id}/trusted-image HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n`;
  const { status, ms, body } = await raw(head, Buffer.alloc(1000, 7), false);
  assert.match(status, /^HTTP\/1\.1 408/);
  assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, 'REQUEST_TIMEOUT');
  assert.ok(ms < 6000, `cut after ${ms.toFixed(0)} ms`);
  assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
});

test('a Content-Length over the limit is refused before the body is read', async () => {
  const id = await sessionId();
  const head = `PUT /v1/sessions/${id}/trusted-image HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\nContent-Type: application/octet-stream\r\nContent-Length: 50000000\r\nConnection: close\r\n\r\n`;
  const { status, ms } = await raw(head, Buffer.alloc(10), false);
  assert.match(status, /^HTTP\/1\.1 413/);
  assert.ok(ms < 1500, `answered after ${ms.toFixed(0)} ms`);
});

test('an upload the client abandons half-way does not disturb the server', async () => {
  const id = await sessionId();
  const head = `PUT /v1/sessions/${id}/trusted-image HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n`;
  await raw(head, Buffer.alloc(5000, 1), true);
  assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
  const pending = await fetch(`${srv.url}/v1/sessions/${id}/result`, { headers: { authorization: `Bearer ${API_KEY}` } });
  assert.equal(pending.status, 409, 'the session is untouched');
});

test('headers that never finish get a coded 408 from the server, not a bare status line', async () => {
  // Half a header line, then nothing: past headersTimeout (here 2 s) Node gives up on the request.
  const { status, body, ms } = await raw('GET /v1/sessions HTTP/1.1\r\nHost: x\r\nX-Slow: ', Buffer.alloc(0), false);
  assert.match(status, /^HTTP\/1\.1 408/);
  assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, 'REQUEST_TIMEOUT');
  assert.ok(ms < 6000, `cut after ${ms.toFixed(0)} ms`);
});

test('a request that is not HTTP, or whose headers are too large, gets a coded 400 or 431', async () => {
  const garbage = await raw('HELLO THERE\r\n\r\n', Buffer.alloc(0), false);
  assert.match(garbage.status, /^HTTP\/1\.1 400/);
  assert.equal((JSON.parse(garbage.body) as { error: { code: string } }).error.code, 'INVALID_REQUEST');
  const huge = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`, Buffer.alloc(0), false);
  assert.match(huge.status, /^HTTP\/1\.1 431/);
  assert.equal((JSON.parse(huge.body) as { error: { code: string } }).error.code, 'INVALID_REQUEST');
  assert.equal((await fetch(`${srv.url}/healthz`)).status, 200);
});
