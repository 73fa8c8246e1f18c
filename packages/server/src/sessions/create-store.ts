import type { Logger } from 'pino';
import type { StoreConfig } from '../config.js';
import { RedisSessionStore } from './redis-store.js';
import { MemorySessionStore, type SessionStore } from './store.js';

/** The configured store: this process's memory, or a Redis that several verifier processes share. */
export function createStore(config: StoreConfig, logger?: Logger): SessionStore {
  if (config.kind === 'memory') return new MemorySessionStore();
  return new RedisSessionStore({ ...config, ...(logger ? { logger: logger.child({ component: 'store' }) } : {}) });
}
