import type { ApiErrorCode, TrustedImageErrorCode } from '@facelight/protocol';

/** An error that reaches the client as `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | TrustedImageErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
