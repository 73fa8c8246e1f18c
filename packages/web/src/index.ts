import { defineFacelightCapture } from './element.js';

export { start } from './start.js';
export { FacelightCaptureElement, defineFacelightCapture, type FacelightCaptureEventMap } from './element.js';
export { FacelightError } from './errors.js';
export { SDK_VERSION } from './version.js';
export { FEEDBACK_CODES, SDK_ERROR_CODES } from '@facelight/protocol';
export type { FeedbackCode, SdkErrorCode, ResultReasonCode } from '@facelight/protocol';
export type { ScanErrorDetail, ScanOptions, ScanResult, StartOptions } from './options.js';

// Usable as <facelight-capture> as soon as the SDK is loaded, by script tag or import.
defineFacelightCapture();
