import type { Session } from './session.js';

/**
 * Where sessions live. The in-memory store serves one process; a shared
 * implementation lets several verifier processes serve the same sessions.
 * Implementations drop a session at `expiresAt`.
 */
export interface SessionStore {
  create(session: Session): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  /** Applies `change` to the current session; returns the updated one, or undefined when gone. */
  update(id: string, change: (s: Session) => Session): Promise<Session | undefined>;
  delete(id: string): Promise<boolean>;
  /** Counts a failed session of `source` (a client address) and returns how many fell within the last `windowMs`, this one included. */
  recordFailure(source: string, windowMs: number): Promise<number>;
  /** Refuses `source` for `ms`. */
  lock(source: string, ms: number): Promise<void>;
  /** Milliseconds left on the lock of `source`; 0 when it is not locked. */
  lockedFor(source: string): Promise<number>;
  /**
   * Adds `delta` to the counter `key` of a fixed window of `windowMs` that
   * starts with the counter's first hit; the rate limits count with it, so
   * processes sharing the store share the limits.
   */
  countHits(key: string, windowMs: number, delta: 1 | -1): Promise<HitCount>;
  /** Resolves when the store can be reached, rejects (StoreUnavailableError) when not: /readyz asks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface HitCount {
  hits: number;
  /** When the window ends (epoch ms). */
  resetAt: number;
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly failures = new Map<string, number[]>();
  private readonly locks = new Map<string, number>();
  private readonly hits = new Map<string, HitCount>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now, sweepIntervalMs = 30_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  async create(session: Session): Promise<void> {
    if (this.sessions.has(session.id)) throw new Error(`session ${session.id} already exists`);
    this.sessions.set(session.id, structuredClone(session));
  }

  async get(id: string): Promise<Session | undefined> {
    const s = this.live(id);
    return s && structuredClone(s);
  }

  async update(id: string, change: (s: Session) => Session): Promise<Session | undefined> {
    const s = this.live(id);
    if (!s) return undefined;
    const next = change(structuredClone(s));
    this.sessions.set(id, next);
    return structuredClone(next);
  }

  async delete(id: string): Promise<boolean> {
    return this.sessions.delete(id);
  }

  async recordFailure(source: string, windowMs: number): Promise<number> {
    const now = this.now();
    const recent = (this.failures.get(source) ?? []).filter((t) => t > now - windowMs);
    recent.push(now);
    this.failures.set(source, recent);
    return recent.length;
  }

  async lock(source: string, ms: number): Promise<void> {
    this.locks.set(source, this.now() + ms);
  }

  async lockedFor(source: string): Promise<number> {
    const until = this.locks.get(source);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) this.locks.delete(source);
    return Math.max(0, left);
  }

  async countHits(key: string, windowMs: number, delta: 1 | -1): Promise<HitCount> {
    const now = this.now();
    const current = this.hits.get(key);
    const live = current && current.resetAt > now ? current : undefined;
    // Taking back a hit from a window that already ended changes nothing.
    if (!live && delta < 0) return { hits: 0, resetAt: now };
    const next = { hits: Math.max(0, (live?.hits ?? 0) + delta), resetAt: live?.resetAt ?? now + windowMs };
    this.hits.set(key, next);
    return { ...next };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sessions.clear();
    this.failures.clear();
    this.locks.clear();
    this.hits.clear();
  }

  private live(id: string): Session | undefined {
    const s = this.sessions.get(id);
    if (s && s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  private sweep(): void {
    for (const id of this.sessions.keys()) this.live(id);
    for (const source of this.locks.keys()) void this.lockedFor(source);
    for (const [key, count] of this.hits) if (count.resetAt <= this.now()) this.hits.delete(key);
    // Failure times older than an hour count in no sensible window.
    const old = this.now() - 3_600_000;
    for (const [source, times] of this.failures) if (times.every((t) => t <= old)) this.failures.delete(source);
  }
}
