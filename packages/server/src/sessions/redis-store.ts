import { createHash, randomUUID } from 'node:crypto';
import { Redis, ReplyError } from 'ioredis';
import type { Logger } from 'pino';
import { StoreUnavailableError } from './errors.js';
import type { Session } from './session.js';
import type { HitCount, SessionStore } from './store.js';

export interface RedisStoreOptions {
  /** redis://[user:password@]host:port/db */
  url: string;
  keyPrefix: string;
  /** How long a call may wait for Redis (a reply, or a reconnect) before it fails. */
  commandTimeoutMs: number;
  logger?: Logger;
}

/**
 * Writes the new JSON (ARGV[2], expiring at ARGV[3]) only if the stored JSON
 * still hashes to ARGV[1], the version the caller changed. Replies 1 when
 * written, nil when the session is gone, else the current JSON to retry on.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if not current then return false end
if redis.sha1hex(current) ~= ARGV[1] then return current end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
return 1
`;

/**
 * Adds one failure (a unique member ARGV[2]) at Redis's clock, drops those
 * older than the window ARGV[1] and counts the rest. Redis's clock, not the
 * callers': every process then sees the same window.
 */
const RECORD_FAILURE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return redis.call('ZCARD', KEYS[1])
`;

/**
 * Adds ARGV[2] to a fixed-window counter, starting the window of ARGV[1] ms
 * with its first hit; a hit taken back from a window that ended is dropped.
 * Returns the count and the window's remaining ms.
 */
const COUNT_HITS = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  if tonumber(ARGV[2]) < 0 then return {0, 0} end
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
  return {tonumber(ARGV[2]), tonumber(ARGV[1])}
end
local hits = redis.call('INCRBY', KEYS[1], ARGV[2])
if hits < 0 then
  redis.call('SET', KEYS[1], 0, 'KEEPTTL')
  hits = 0
end
return {hits, ttl}
`;

/** Each lost race means another writer succeeded; this many in a row is a bug, not contention. */
const MAX_UPDATE_ATTEMPTS = 100;

/** Replies that mean Redis is there but cannot serve now; other replies are bugs and stay errors. */
const UNAVAILABLE_REPLY = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|OOM)\b/;

/**
 * Sessions, failure counts and locks in Redis, shared by every verifier
 * process that uses the same Redis and key prefix. A session is one JSON
 * string that Redis itself expires at `expiresAt`; updates are optimistic
 * (read, change, compare-and-set in Lua, retry on a lost race), so the change
 * function may run more than once and must not have side effects.
 */
export class RedisSessionStore implements SessionStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private reconnected: Promise<void> | undefined;
  private down = false;

  constructor({ url, keyPrefix, commandTimeoutMs, logger }: RedisStoreOptions) {
    this.prefix = keyPrefix;
    this.timeoutMs = commandTimeoutMs;
    this.redis = new Redis(url, {
      // While Redis is away a call fails instead of queueing: a queued write
      // would run after its caller was told it failed.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: commandTimeoutMs,
      connectTimeout: commandTimeoutMs,
      // Reconnect for ever, at most a second apart, so the store recovers soon after Redis does.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      // Connects on first use: a verifier that fails to start leaves no socket keeping the process alive.
      lazyConnect: true,
    });
    // Host and port only: the URL may hold a password.
    const where = { host: this.redis.options.host, port: this.redis.options.port, db: this.redis.options.db };
    // Without a listener ioredis's 'error' event would crash the process.
    this.redis.on('error', (err: Error) => {
      if (this.down) return logger?.debug({ err: err.message, redis: where }, 'session store still unreachable');
      this.down = true;
      logger?.warn({ err: err.message, redis: where }, 'session store unreachable; reconnecting');
    });
    this.redis.on('ready', () => {
      if (this.down) logger?.info({ redis: where }, 'session store reachable again');
      this.down = false;
    });
  }

  async create(session: Session): Promise<void> {
    const created = await this.run((r) => r.set(this.sessionKey(session.id), JSON.stringify(session), 'PXAT', expiry(session), 'NX'));
    if (created === null) throw new Error(`session ${session.id} already exists`);
  }

  async get(id: string): Promise<Session | undefined> {
    const json = await this.run((r) => r.get(this.sessionKey(id)));
    return json === null ? undefined : (JSON.parse(json) as Session);
  }

  async update(id: string, change: (s: Session) => Session): Promise<Session | undefined> {
    const key = this.sessionKey(id);
    let current: unknown = await this.run((r) => r.get(key));
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      if (typeof current !== 'string') return undefined;
      const next = change(JSON.parse(current) as Session);
      const json = JSON.stringify(next);
      // Nothing changed (a lost claim, say): the version just read is the answer, and there is nothing to race.
      if (json === current) return next;
      const read = current;
      const reply = await this.run((r) => r.eval(COMPARE_AND_SET, 1, key, sha1(read), json, expiry(next)));
      if (reply === 1) return next;
      current = reply;
    }
    throw new Error(`session ${id}: update lost ${MAX_UPDATE_ATTEMPTS} races in a row`);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.run((r) => r.del(this.sessionKey(id)))) > 0;
  }

  async recordFailure(source: string, windowMs: number): Promise<number> {
    const count = await this.run((r) => r.eval(RECORD_FAILURE, 1, `${this.prefix}failures:${source}`, Math.max(1, Math.ceil(windowMs)), randomUUID()));
    return Number(count);
  }

  async lock(source: string, ms: number): Promise<void> {
    const key = `${this.prefix}lock:${source}`;
    // Redis refuses a zero expiry; a lock of no time is no lock.
    if (ms > 0) await this.run((r) => r.set(key, '1', 'PX', Math.ceil(ms)));
    else await this.run((r) => r.del(key));
  }

  async lockedFor(source: string): Promise<number> {
    // -2: no lock; -1 (no expiry) cannot happen, as every lock is set with one.
    return Math.max(0, await this.run((r) => r.pttl(`${this.prefix}lock:${source}`)));
  }

  async countHits(key: string, windowMs: number, delta: 1 | -1): Promise<HitCount> {
    const [hits, ttl] = (await this.run((r) => r.eval(COUNT_HITS, 1, `${this.prefix}hits:${key}`, Math.max(1, Math.ceil(windowMs)), delta))) as [number, number];
    return { hits, resetAt: Date.now() + ttl };
  }

  /** Resolves when Redis answers; rejects with StoreUnavailableError otherwise (for readiness). */
  async ping(): Promise<void> {
    await this.run((r) => r.ping());
  }

  async close(): Promise<void> {
    // QUIT lets replies on the way arrive; without a connection there is nothing to wait for.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private sessionKey(id: string): string {
    return `${this.prefix}session:${id}`;
  }

  /** Runs a command once connected, turning every sign of an unreachable Redis into StoreUnavailableError. */
  private async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    await this.connected();
    try {
      return await command(this.redis);
    } catch (err) {
      const reason = withoutCommand(err);
      if (err instanceof ReplyError && !UNAVAILABLE_REPLY.test(reason.message)) throw reason;
      throw new StoreUnavailableError('the session store cannot be reached', { cause: reason });
    }
  }

  /**
   * Waits up to the command timeout for a connection: at start, and through a
   * short Redis restart, a call then succeeds instead of failing at once.
   */
  private async connected(): Promise<void> {
    if (this.redis.status === 'ready') return;
    if (this.redis.status === 'end') throw new StoreUnavailableError('the session store is closed');
    // Once connecting, ioredis reconnects by itself for good.
    if (this.redis.status === 'wait') this.redis.connect().catch(() => undefined);
    this.reconnected ??= new Promise<void>((resolve) =>
      this.redis.once('ready', () => {
        this.reconnected = undefined;
        resolve();
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`the session store did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      await Promise.race([this.reconnected, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * ioredis hangs the failed command on its errors, arguments included: a
 * session's JSON, with its evidence frame, would reach the log with them.
 */
function withoutCommand(err: unknown): Error {
  const { name, message, stack } = err instanceof Error ? err : new Error(String(err));
  return Object.assign(new Error(message), { name, stack });
}

/** Redis wants whole milliseconds. */
const expiry = (session: Session) => Math.ceil(session.expiresAt);

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');
