import { parentPort, type MessagePort } from 'node:worker_threads';

/** Worker → pool. */
export type WorkerReply<Res> = { type: 'ready' } | { type: 'done'; result: Res } | { type: 'failed'; message: string };

export interface Handled<Res> {
  result: Res;
  /** Buffers of the result to move to the main thread instead of copying. */
  transfer?: ArrayBuffer[];
}

/**
 * The worker side of a pool: run `handle` for each task, one at a time (the
 * pool sends the next only after a reply), and announce readiness once
 * `init` has finished. An error thrown by `init` ends the thread, which the
 * pool reports as a start-up failure.
 */
export async function serveTasks<Req, Res>(init: Promise<unknown>, handle: (task: Req) => Promise<Handled<Res>> | Handled<Res>): Promise<void> {
  const port: MessagePort | null = parentPort;
  if (!port) throw new Error('this module must run in a worker thread');
  port.on('message', (task: Req) => {
    void (async () => {
      let reply: WorkerReply<Res>;
      let transfer: ArrayBuffer[] = [];
      try {
        const handled = await handle(task);
        reply = { type: 'done', result: handled.result };
        transfer = handled.transfer ?? [];
      } catch (err) {
        reply = { type: 'failed', message: err instanceof Error ? err.message : String(err) };
      }
      port.postMessage(reply, transfer);
    })();
  });
  await init;
  port.postMessage({ type: 'ready' } satisfies WorkerReply<Res>);
}
