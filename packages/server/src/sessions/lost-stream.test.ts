import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lostStreamResult } from './lost-stream.js';
import type { Session } from './session.js';

const session: Session = {
  id: 'lost-1',
  mode: 'dynamic',
  apiKeyId: 'test',
  createdAt: 0,
  expiresAt: 300_000,
  clientTokenHash: 'x',
  state: 'streaming',
  stream: { nonce: 'n', startedAt: 1000, decidedBy: 100_000 },
};

test('a session still streaming past its decision deadline reads as a retryable verifier failure', () => {
  assert.deepEqual(lostStreamResult(session, 100_001), {
    sessionId: 'lost-1',
    status: 'FAILURE',
    mode: 'dynamic',
    reasons: ['VERIFIER_ERROR'],
    scores: { liveness: 0 },
    evidence: { frame: '' },
    completedAt: new Date(100_001).toISOString(),
  });
});

test('until the deadline, once decided, before the stream, or claimed by a verifier that set no deadline: nothing to settle', () => {
  assert.equal(lostStreamResult(session, 100_000), undefined);
  assert.equal(lostStreamResult({ ...session, state: 'completed' }, 200_000), undefined);
  assert.equal(lostStreamResult({ ...session, state: 'created', stream: undefined }, 200_000), undefined);
  assert.equal(lostStreamResult({ ...session, stream: { nonce: 'n', startedAt: 1000 } }, 200_000), undefined);
});
