export { createVerifier, createApp, type Verifier, type VerifierOptions } from './verifier.js';
export { loadConfig, parseConfig, ConfigError, type Config, type ConfigInput } from './config.js';
export type { StreamAttachOptions } from './stream/attach.js';
export { MemorySessionStore, type SessionStore } from './sessions/store.js';
export type { Session, SessionState, TrustedFace } from './sessions/session.js';
