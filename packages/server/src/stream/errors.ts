import type { ResultReasonCode, StreamErrorCode } from '@facelight/protocol';

/** Ends the stream with `{ type: "error", code, message }`; the message is for the integrating developer. */
export class StreamError extends Error {
  override readonly name = 'StreamError';
  constructor(
    readonly code: StreamErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** 1011 says the verifier failed; every other refusal is the client's doing (1008, policy violation). */
export const closeCodeFor = (code: StreamErrorCode) => (code === 'INTERNAL_ERROR' ? 1011 : 1008);

/** The result reason of a session whose stream ended in this error after its token was used. */
export function abortReason(code: StreamErrorCode): ResultReasonCode {
  if (code === 'INTERNAL_ERROR') return 'VERIFIER_ERROR';
  if (code === 'IDLE_TIMEOUT') return 'CLIENT_DISCONNECTED';
  return 'PROTOCOL_VIOLATION';
}
