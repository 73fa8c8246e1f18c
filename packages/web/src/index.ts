import { PROTOCOL_VERSION } from '@facelight/protocol';

/** SDK version reported in the stream's hello. */
export const SDK_VERSION = '0.1.0';

/** The wire contract version this SDK speaks. */
export const SDK_PROTOCOL_VERSION = PROTOCOL_VERSION;
