import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWorkerPool, WorkerPoolBusyError, WorkerPoolError, WorkerTimeoutError } from '../src/workers/pool.js';

const busyWorker = new URL('./fixtures/busy-worker.ts', import.meta.url);

test('an eager pool runs `size` tasks at once', async () => {
  // Timers decide this, not CPU speed: both tasks start together and hit the
  // deadline together; one worker would start the second only after the first timed out.
  const pool = createWorkerPool<number, number>({ name: 'busy', workerUrl: busyWorker, size: 2, eager: true, timeoutMs: 300 });
  try {
    await pool.ready;
    const start = performance.now();
    const settled = await Promise.all([pool.run(5000), pool.run(5000)].map((p) => p.then(() => Number.NaN, (err: unknown) => {
      assert.ok(err instanceof WorkerTimeoutError);
      return performance.now() - start;
    })));
    assert.ok(Math.abs(settled[0]! - settled[1]!) < 150, `timeouts at ${settled.map((ms) => ms.toFixed(0)).join(' and ')} ms`);
    assert.equal(await pool.run(1), 1, 'the replaced workers serve the next task');
  } finally {
    await pool.close();
  }
});

test('a full queue refuses work at once', async () => {
  const pool = createWorkerPool<number, number>({ name: 'busy', workerUrl: busyWorker, size: 1, eager: true, maxQueue: 1 });
  try {
    await pool.ready;
    const running = pool.run(300);
    await new Promise((r) => setTimeout(r, 50));
    const queued = pool.run(1);
    await assert.rejects(pool.run(1), WorkerPoolBusyError);
    assert.deepEqual(await Promise.all([running, queued]), [300, 1]);
  } finally {
    await pool.close();
  }
});

test('a task that cannot be sent to a worker fails alone, and the next one runs', async () => {
  const pool = createWorkerPool<unknown, number>({ name: 'busy', workerUrl: busyWorker, size: 1, eager: true });
  try {
    await pool.ready;
    const [unsendable, next] = await Promise.allSettled([pool.run({ callback: () => 1 }), pool.run(5)]);
    assert.equal(unsendable.status, 'rejected');
    assert.ok(unsendable.status === 'rejected' && unsendable.reason instanceof WorkerPoolError && /could not be sent/.test(String(unsendable.reason.message)));
    assert.deepEqual(next, { status: 'fulfilled', value: 5 });
  } finally {
    await pool.close();
  }
});
