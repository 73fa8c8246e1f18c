import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiErrorCode } from '@facelight/protocol';

/** What Node could not hand to Express, as every other refusal says it. */
export function clientErrorAnswer(code: string | undefined): { status: number; code: ApiErrorCode; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request headers did not arrive in time' };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'INVALID_REQUEST', message: 'the request headers are larger than allowed' };
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the chunk extensions are larger than allowed' };
  return { status: 400, code: 'INVALID_REQUEST', message: 'the request is not valid HTTP/1.1' };
}

/**
 * A `clientError` listener for the HTTP server. Node answers requests it
 * cannot parse or whose headers are too slow (headersTimeout, requestTimeout)
 * with a bare status line; this gives them the `{ error: { code, message } }`
 * body of every other refusal. Like Node's own answer, it writes nothing once
 * a response has begun on the socket.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // Node's own handler checks the same private field: a response already started must not get a second status line.
  const started = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage?.headersSent === true;
  if (err.code === 'ECONNRESET' || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const { status, code, message } = clientErrorAnswer(err.code);
  const body = JSON.stringify({ error: { code, message } });
  // Closed for good once written: Node no longer times the connection out, and a client that keeps its side open would hold it.
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}
