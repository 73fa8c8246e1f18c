import type { SessionResult } from '@facelight/protocol';
import type { Session } from './session.js';

/**
 * The outcome of a session still 'streaming' past its stream's `decidedBy`:
 * the verifier that owned the stream died (a crash, a killed container), so
 * no process will ever store a decision. It reads as a retryable verifier
 * failure instead of staying pending until the session expires.
 */
export function lostStreamResult(session: Session, now: number): SessionResult | undefined {
  const decidedBy = session.stream?.decidedBy;
  if (session.state !== 'streaming' || decidedBy === undefined || now <= decidedBy) return undefined;
  return {
    sessionId: session.id,
    status: 'FAILURE',
    mode: session.mode,
    reasons: ['VERIFIER_ERROR'],
    scores: { liveness: 0 },
    evidence: { frame: '' },
    completedAt: new Date(now).toISOString(),
  };
}
