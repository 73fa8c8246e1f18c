import type { RequestHandler } from 'express';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiError } from './api-error.js';

/**
 * Once shutdown starts, new requests get 503 SHUTTING_DOWN (so /readyz takes
 * the instance out of a load balancer and clients retry elsewhere), while the
 * requests already running may finish. /healthz still answers: the process is alive.
 */
export class ShutdownGate {
  private stopping = false;
  private running = 0;
  private idle: (() => void) | undefined;

  readonly middleware: RequestHandler = (req, res, next) => {
    if (req.path === '/healthz') return next();
    if (this.stopping) {
      res.set('Connection', 'close');
      return next(new ApiError(503, 'SHUTTING_DOWN', 'the verifier is shutting down; retry on another instance'));
    }
    this.running++;
    res.once('close', () => {
      if (--this.running === 0) this.idle?.();
    });
    next();
  };

  /** Refuses new requests from now on; resolves once the running ones are done, or after `graceMs`. */
  async close(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.running === 0) return;
    const ac = new AbortController();
    await Promise.race([
      new Promise<void>((resolve) => (this.idle = resolve)),
      delay(graceMs, undefined, { signal: ac.signal, ref: false }).catch(() => undefined),
    ]);
    ac.abort();
  }
}
