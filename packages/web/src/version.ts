/** SDK version reported in the stream's hello. */
export const SDK_VERSION = '0.1.0';
