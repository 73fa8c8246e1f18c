/**
 * Local copy of the image-intake subset of `TrustedImageErrorCode` from
 * @facelight/protocol, kept here until that package is built; the strings
 * must stay identical to the protocol's.
 */
export type ImageErrorCode =
  | 'IMAGE_TOO_LARGE'
  | 'UNSUPPORTED_FORMAT'
  | 'IMAGE_CORRUPT'
  | 'IMAGE_DIMENSIONS_TOO_LARGE'
  | 'IMAGE_DECODE_TIMEOUT'
  | 'IMAGE_EMPTY';

const HTTP_STATUS: Readonly<Record<ImageErrorCode, number>> = {
  IMAGE_TOO_LARGE: 413,
  UNSUPPORTED_FORMAT: 415,
  IMAGE_CORRUPT: 422,
  IMAGE_DIMENSIONS_TOO_LARGE: 422,
  IMAGE_DECODE_TIMEOUT: 422,
  IMAGE_EMPTY: 422,
};

export interface ImageErrorDetails {
  measured?: number;
  limit?: number;
}

/**
 * A refused image. The message is meant for the integrating developer and
 * never quotes image bytes (they may be a personal photo).
 */
export class ImageIntakeError extends Error {
  override readonly name = 'ImageIntakeError';
  readonly code: ImageErrorCode;
  readonly httpStatus: number;
  // `declare`: no class-field initialisation, so the keys exist only when set below.
  declare readonly measured?: number;
  declare readonly limit?: number;

  constructor(code: ImageErrorCode, message: string, details: ImageErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.httpStatus = HTTP_STATUS[code];
    if (details.measured !== undefined) this.measured = details.measured;
    if (details.limit !== undefined) this.limit = details.limit;
  }
}

export function corrupt(message: string, options?: ErrorOptions): ImageIntakeError {
  return new ImageIntakeError('IMAGE_CORRUPT', message, {}, options);
}
