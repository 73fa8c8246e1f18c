import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { answerClientError, clientErrorAnswer } from './client-error.js';

/** A socket that records what is written to it. */
function socket(): { socket: Duplex; written: () => string } {
  const chunks: Buffer[] = [];
  const s = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { socket: s, written: () => Buffer.concat(chunks).toString() };
}

const clientError = (code: string) => Object.assign(new Error(code), { code });

test('the coded answer is written, then the socket is destroyed: a client keeping its side open cannot hold it', async () => {
  const { socket: s, written } = socket();
  answerClientError(clientError('ERR_HTTP_REQUEST_TIMEOUT'), s);
  await once(s, 'close');
  assert.ok(s.destroyed);
  const [head, body] = written().split('\r\n\r\n');
  assert.match(head!, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  assert.match(head!, /Content-Type: application\/json; charset=utf-8/);
  assert.match(head!, new RegExp(`Content-Length: ${Buffer.byteLength(body!)}`));
  assert.deepEqual(JSON.parse(body!), { error: { code: 'REQUEST_TIMEOUT', message: 'the request headers did not arrive in time' } });
});

test('a socket whose response has begun, or that the client reset, is destroyed without another word', async () => {
  for (const [code, started] of [['ERR_HTTP_REQUEST_TIMEOUT', true], ['ECONNRESET', false]] as const) {
    const { socket: s, written } = socket();
    if (started) Object.assign(s, { _httpMessage: { headersSent: true } });
    answerClientError(clientError(code), s);
    assert.ok(s.destroyed);
    assert.equal(written(), '');
  }
});

test('each parser error gets its status and code', () => {
  assert.deepEqual(
    ['ERR_HTTP_REQUEST_TIMEOUT', 'HPE_HEADER_OVERFLOW', 'HPE_CHUNK_EXTENSIONS_OVERFLOW', 'HPE_INVALID_METHOD', undefined].map((c) => {
      const { status, code } = clientErrorAnswer(c);
      return [status, code];
    }),
    [[408, 'REQUEST_TIMEOUT'], [431, 'INVALID_REQUEST'], [413, 'PAYLOAD_TOO_LARGE'], [400, 'INVALID_REQUEST'], [400, 'INVALID_REQUEST']],
  );
});
