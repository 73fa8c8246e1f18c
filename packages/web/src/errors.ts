import { SDK_ERROR_CODES, type SdkErrorCode } from '@facelight/protocol';

/** The only error the SDK rejects with: `code` tells the page what to do next. */
export class FacelightError extends Error {
  override readonly name = 'FacelightError';
  readonly code: SdkErrorCode;

  constructor(code: SdkErrorCode, message: string = SDK_ERROR_CODES[code]) {
    super(message);
    this.code = code;
  }
}

export const isFacelightError = (err: unknown): err is FacelightError => err instanceof FacelightError;
