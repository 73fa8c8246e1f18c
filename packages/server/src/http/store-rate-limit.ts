import type { Options, Store } from 'express-rate-limit';
import type { SessionStore } from '../sessions/store.js';

/**
 * express-rate-limit's counters kept in the session store, so that every
 * verifier process sharing a Redis counts against the same limit; `prefix`
 * keeps each limiter's counters apart.
 */
export class StoreRateLimit implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly store: SessionStore,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string) {
    const { hits, resetAt } = await this.store.countHits(this.prefix + key, this.windowMs, 1);
    return { totalHits: hits, resetTime: new Date(resetAt) };
  }

  async decrement(key: string): Promise<void> {
    await this.store.countHits(this.prefix + key, this.windowMs, -1);
  }

  /** Counters end with their window; nothing resets one early. */
  resetKey(): void {}
}
