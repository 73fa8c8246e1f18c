import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StoreUnavailableError } from '../sessions/errors.js';
import { WorkerPoolBusyError } from '../workers/pool.js';
import { abortReason, closeCodeFor, toStreamError } from './errors.js';

test("the verifier's own failures are retryable: close code 1011 and VERIFIER_ERROR; they are told apart by code", () => {
  const cases = [
    [new WorkerPoolBusyError('the face analysis queue is full'), 'VERIFIER_BUSY'],
    [new StoreUnavailableError('down'), 'STORE_UNAVAILABLE'],
    [new Error('a bug'), 'INTERNAL_ERROR'],
  ] as const;
  for (const [err, code] of cases) {
    const streamError = toStreamError(err);
    assert.equal(streamError.code, code);
    assert.equal(closeCodeFor(streamError.code), 1011);
    assert.equal(abortReason(streamError.code), 'VERIFIER_ERROR');
  }
});

test("the client's doing is a policy violation", () => {
  assert.equal(closeCodeFor('NONCE_MISMATCH'), 1008);
  assert.equal(abortReason('NONCE_MISMATCH'), 'PROTOCOL_VIOLATION');
  assert.equal(abortReason('UNEXPECTED_MESSAGE'), 'PROTOCOL_VIOLATION');
});

test('what a stalling network or a slow client causes is stored as such, for the integrator to offer a retry', () => {
  assert.equal(abortReason('RATE_LIMITED'), 'CONNECTION_UNSTABLE');
  assert.equal(abortReason('DISPLAY_TIME_IMPLAUSIBLE'), 'CONNECTION_UNSTABLE');
  assert.equal(abortReason('IDLE_TIMEOUT'), 'CLIENT_DISCONNECTED');
  assert.equal(abortReason('STREAM_TIMEOUT'), 'SESSION_EXPIRED');
  for (const code of ['RATE_LIMITED', 'DISPLAY_TIME_IMPLAUSIBLE', 'IDLE_TIMEOUT', 'STREAM_TIMEOUT'] as const) assert.equal(closeCodeFor(code), 1008);
});
