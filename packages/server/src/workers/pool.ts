import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerReply } from './protocol.js';

export interface WorkerPoolOptions {
  /** Used in error messages ("the JPEG 2000 decoder ..."). */
  name: string;
  /** The worker module, given as the URL of its compiled `.js` or source `.ts` sibling. */
  workerUrl: URL;
  size: number;
  /** Time allowed per task, counted from when a worker takes it; the worker is then killed and replaced. */
  timeoutMs?: number;
  /** Start every worker now and expose their start-up through `ready` (otherwise workers start on demand). */
  eager?: boolean;
  workerData?: unknown;
  /** Tasks waiting beyond this are refused at once instead of queueing without bound. */
  maxQueue?: number;
  /** On close, how long running tasks may take to finish before their workers are killed (default 2000 ms). */
  drainMs?: number;
}

export interface WorkerPool<Req, Res> {
  run(task: Req, transfer?: readonly ArrayBuffer[]): Promise<Res>;
  /** With `eager`: resolves once every worker has started, rejects with the first start-up failure. */
  readonly ready: Promise<void>;
  readonly size: number;
  /**
   * Fails queued tasks, lets running ones finish within `drainMs`, then stops
   * every worker. Killing a thread in the middle of a native call (onnxruntime)
   * can abort the whole process, hence the drain.
   */
  close(): Promise<void>;
}

/** The task itself failed in the worker; the message says why. */
export class WorkerTaskError extends Error {
  override readonly name = 'WorkerTaskError';
}
export class WorkerTimeoutError extends Error {
  override readonly name = 'WorkerTimeoutError';
}
/** The pool cannot take the task: closed, full, or its workers cannot start. */
export class WorkerPoolError extends Error {
  override readonly name: string = 'WorkerPoolError';
}

/** The queue is full: the process has more work waiting than it takes on, and the caller may retry later. */
export class WorkerPoolBusyError extends WorkerPoolError {
  override readonly name = 'WorkerPoolBusyError';
}

/**
 * Starts a worker from its compiled or source module. From source (node
 * --import tsx) workers inherit the --import flag, but before Node 22.22 tsx
 * installs its hooks on the main thread only, so the worker loads itself
 * through tsx's API.
 */
function startWorker(url: URL, workerData: unknown): Worker {
  if (extname(fileURLToPath(url)) !== '.ts') return new Worker(url, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** `./name.js` beside the calling module when compiled, `./name.ts` when run from source. */
export function siblingModule(name: string, importMetaUrl: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(importMetaUrl))}`, importMetaUrl);
}

interface Job<Req, Res> {
  task: Req;
  transfer: readonly ArrayBuffer[];
  resolve: (result: Res) => void;
  reject: (error: Error) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  ready: boolean;
  running?: { job: Job<Req, Res>; timer?: NodeJS.Timeout; settled: () => void; done: Promise<void> };
}

/**
 * A fixed set of worker threads, one task each at a time. Work that blocks a
 * thread (wasm decoders, onnxruntime inference) runs here so the event loop
 * keeps answering; a task that overruns its deadline costs only its worker.
 */
export function createWorkerPool<Req, Res>(opts: WorkerPoolOptions): WorkerPool<Req, Res> {
  const { name, size, timeoutMs, maxQueue = Number.POSITIVE_INFINITY } = opts;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`${name} pool size must be a positive integer, not ${size}`);
  // setTimeout treats anything above 2^31-1 ms as 1 ms.
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs <= 2 ** 31 - 1)) {
    throw new RangeError(`${name} timeout must be 1 to 2^31-1 ms, not ${timeoutMs}`);
  }

  const queue: Job<Req, Res>[] = [];
  const slots = new Set<Slot<Req, Res>>();
  let closed = false;
  let startupFailure: Error | undefined;
  let settleReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // Callers that never await `ready` (lazy pools) must not see an unhandled rejection.
  ready.catch(() => undefined);
  if (!opts.eager) settleReady?.resolve();

  function spawn(): void {
    const worker = startWorker(opts.workerUrl, opts.workerData);
    const slot: Slot<Req, Res> = { worker, ready: false };
    slots.add(slot);
    worker.on('message', (message: WorkerReply<Res>) => onMessage(slot, message));
    worker.on('error', (error) => onLost(slot, error.message));
    worker.on('exit', (code) => onLost(slot, `exit code ${code}`));
  }

  function onMessage(slot: Slot<Req, Res>, message: WorkerReply<Res>): void {
    if (message.type === 'ready') {
      slot.ready = true;
      if ([...slots].every((s) => s.ready) && slots.size === size) settleReady?.resolve();
    } else if (slot.running) {
      const { job, timer, settled } = slot.running;
      clearTimeout(timer);
      slot.running = undefined;
      settled();
      if (message.type === 'done') job.resolve(message.result);
      else job.reject(new WorkerTaskError(message.message));
    }
    pump();
  }

  function onLost(slot: Slot<Req, Res>, reason: string): void {
    if (!slots.has(slot)) return;
    slots.delete(slot);
    if (slot.running) {
      clearTimeout(slot.running.timer);
      slot.running.settled();
      // Most likely the input exhausted the thread (e.g. out of memory).
      slot.running.job.reject(new WorkerTaskError(`the ${name} crashed (${reason})`));
      spawn();
    } else if (!slot.ready) {
      // It never started: respawning would only fail again, in a loop.
      startupFailure = new WorkerPoolError(`the ${name} failed to start: ${reason}`);
      settleReady?.reject(startupFailure);
      for (const job of queue.splice(0)) job.reject(startupFailure);
    }
    pump();
  }

  function onTimeout(slot: Slot<Req, Res>, job: Job<Req, Res>): void {
    slots.delete(slot);
    void slot.worker.terminate();
    job.reject(new WorkerTimeoutError(`the ${name} took longer than ${timeoutMs} ms`));
    spawn();
    pump();
  }

  function pump(): void {
    if (closed) return;
    for (const slot of slots) {
      while (slot.ready && !slot.running) {
        const job = queue.shift();
        if (!job) break;
        let settled = () => {};
        const done = new Promise<void>((resolve) => (settled = resolve));
        const timer = timeoutMs === undefined ? undefined : setTimeout(() => onTimeout(slot, job), timeoutMs);
        slot.running = { job, settled, done, ...(timer ? { timer } : {}) };
        try {
          slot.worker.postMessage(job.task, [...job.transfer]);
        } catch (err) {
          // A task that cannot be cloned fails alone; the worker never saw it and takes the next.
          clearTimeout(timer);
          slot.running = undefined;
          settled();
          job.reject(new WorkerPoolError(`the task could not be sent to the ${name} worker: ${err instanceof Error ? err.message : String(err)}`));
        }
      }
    }
    const starting = [...slots].filter((slot) => !slot.ready).length;
    for (let n = queue.length - starting; n > 0 && slots.size < size && !startupFailure; n--) spawn();
    // Workers keep the process alive only while they have work, so a forgotten
    // close() cannot hang an exiting process and a running task is not cut short.
    for (const slot of slots) {
      if (slot.running || (!slot.ready && (queue.length > 0 || opts.eager))) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  if (opts.eager) {
    for (let i = 0; i < size; i++) spawn();
    pump();
  }

  return {
    size,
    ready,
    run(task, transfer = []) {
      if (closed) return Promise.reject(new WorkerPoolError(`the ${name} pool is closed`));
      if (startupFailure) return Promise.reject(startupFailure);
      if (queue.length >= maxQueue) return Promise.reject(new WorkerPoolBusyError(`the ${name} queue is full`));
      return new Promise<Res>((resolve, reject) => {
        queue.push({ task, transfer, resolve, reject });
        pump();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const error = new WorkerPoolError(`the ${name} pool was closed`);
      settleReady?.reject(error);
      for (const job of queue.splice(0)) job.reject(error);
      const all = [...slots];
      const running = all.flatMap((slot) => (slot.running ? [slot.running.done] : []));
      let drainTimer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(running), new Promise((resolve) => (drainTimer = setTimeout(resolve, opts.drainMs ?? 2000)))]);
      clearTimeout(drainTimer);
      slots.clear();
      for (const slot of all) {
        if (slot.running) {
          clearTimeout(slot.running.timer);
          slot.running.job.reject(error);
        }
      }
      await Promise.all(all.map((slot) => slot.worker.terminate()));
    },
  };
}
