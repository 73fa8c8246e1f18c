import { Worker } from 'node:worker_threads';
import type { RenderJob, RenderResult } from './render-worker.js';

/** A few render workers, each taking one session at a time. */
export class RenderPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { job: Omit<RenderJob, 'id'>; resolve(f: Uint8Array[]): void; reject(e: Error): void }[] = [];
  private readonly pending = new Map<number, { worker: Worker; resolve(f: Uint8Array[]): void; reject(e: Error): void }>();
  private nextId = 1;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./render-worker.mjs', import.meta.url));
      worker.on('message', (r: RenderResult) => this.done(worker, r));
      worker.on('error', (err) => {
        for (const [id, p] of this.pending) {
          if (p.worker === worker) {
            this.pending.delete(id);
            p.reject(err);
          }
        }
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  render(job: Omit<RenderJob, 'id'>): Promise<Uint8Array[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { job, resolve, reject } = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { worker, resolve, reject });
      worker.postMessage({ ...job, id } satisfies RenderJob);
    }
  }

  private done(worker: Worker, r: RenderResult): void {
    const p = this.pending.get(r.id);
    this.pending.delete(r.id);
    this.idle.push(worker);
    if (p) {
      if (r.frames) p.resolve(r.frames);
      else p.reject(new Error(r.error ?? 'render failed'));
    }
    this.pump();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
