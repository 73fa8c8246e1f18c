export * from './codes.js';
export * from './rest.js';
export * from './stream.js';
export * from './frame-codec.js';

/** Version of the wire contract; bumped only for incompatible changes. */
export const PROTOCOL_VERSION = 1;
