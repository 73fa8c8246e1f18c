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
  close(): Promise<void>;
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Session>();
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

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.sessions.clear();
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
  }
}
