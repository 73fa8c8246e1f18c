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
});
