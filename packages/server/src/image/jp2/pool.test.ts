import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FACES, readData, withDeclaredSize } from '../test-support.js';
import { createJpeg2000Pool, Jpeg2000DecodeError, Jpeg2000TimeoutError } from './pool.js';

// 64 KB of real codestream declaring 4000x4000 in one tile: within the pixel
// limit, and it keeps the wasm decoder busy for about a second on this machine.
const slowJ2k = (): Buffer => withDeclaredSize(readData(FACES.j2k), 4000, 4000, { tile: true });

describe('JPEG 2000 worker pool', () => {
  it('decodes in a worker and queues jobs beyond its size', async () => {
    const pool = createJpeg2000Pool({ size: 1 });
    try {
      const images = await Promise.all([FACES.jp2, FACES.j2k, FACES.jp2240].map((f) => pool.decode(readData(f))));
      assert.deepEqual(
        images.map((i) => [i.width, i.height, i.channels, i.data.length]),
        [
          [626, 1200, 3, 626 * 1200 * 3],
          [704, 612, 3, 704 * 612 * 3],
          [427, 240, 3, 427 * 240 * 3],
        ],
      );
    } finally {
      await pool.close();
    }
  });

  it('leaves the caller\'s buffer intact (it transfers a copy, never the caller\'s memory)', async () => {
    const pool = createJpeg2000Pool();
    try {
      const bytes = readData(FACES.jp2240);
      const before = Buffer.from(bytes);
      await pool.decode(bytes);
      assert.equal(bytes.buffer.byteLength > 0, true, 'the caller\'s ArrayBuffer was detached');
      assert.deepEqual(bytes, before);
    } finally {
      await pool.close();
    }
  });

  it('reports undecodable input as Jpeg2000DecodeError and keeps working', async () => {
    const pool = createJpeg2000Pool();
    try {
      const j2k = readData(FACES.j2k);
      await assert.rejects(pool.decode(j2k.subarray(0, 100)), Jpeg2000DecodeError);
      await assert.rejects(pool.decode(j2k.subarray(0, Math.floor(j2k.length * 0.4))), (error: unknown) => {
        assert.ok(error instanceof Jpeg2000DecodeError);
        assert.match(error.message, /OpenJPEG could not decode/);
        return true;
      });
      assert.equal((await pool.decode(j2k)).width, 704);
    } finally {
      await pool.close();
    }
  });

  it('kills a decode that overruns its timeout, fails only that job and replaces the worker', async () => {
    const pool = createJpeg2000Pool({ size: 1, timeoutMs: 300 });
    try {
      await pool.decode(readData(FACES.jp2240)); // worker started, so only the decode is timed
      const start = performance.now();
      const slow = pool.decode(slowJ2k());
      const next = pool.decode(readData(FACES.jp2)); // queued behind the slow one
      await assert.rejects(slow, Jpeg2000TimeoutError);
      const timedOutAfter = performance.now() - start;
      assert.ok(timedOutAfter >= 290, `timed out after ${timedOutAfter} ms, before its deadline`);
      assert.equal((await next).width, 626);
    } finally {
      await pool.close();
    }
  });

  it('counts the timeout from when a worker takes the job, not from when it was queued', async () => {
    const timeoutMs = 250;
    const pool = createJpeg2000Pool({ size: 1, timeoutMs });
    try {
      await pool.decode(readData(FACES.jp2240)); // worker started
      const start = performance.now();
      const files = [FACES.jp2, FACES.jp2720, FACES.jp2, FACES.jp2720, FACES.jp2, FACES.jp2720, FACES.jp2, FACES.jp2720];
      const images = await Promise.all(files.map((f) => pool.decode(readData(f))));
      const elapsed = performance.now() - start;
      assert.equal(images.length, files.length);
      assert.ok(elapsed > timeoutMs, `the queue drained in ${elapsed} ms: the test proves nothing`);
    } finally {
      await pool.close();
    }
  });

  it('on close fails queued jobs, lets the running one finish, and refuses new ones', async () => {
    const pool = createJpeg2000Pool({ size: 1 });
    await pool.decode(readData(FACES.jp2240)); // worker started
    const running = pool.decode(readData(FACES.jp2)); // posted to the idle worker at once
    const queued = pool.decode(readData(FACES.jp2));
    const queuedOutcome = assert.rejects(queued, /closed/);
    await pool.close();
    await queuedOutcome;
    assert.equal((await running).width, 626);
    await assert.rejects(pool.decode(readData(FACES.jp2)), /closed/);
  });

  it('validates its options', () => {
    assert.throws(() => createJpeg2000Pool({ size: 0 }), RangeError);
    assert.throws(() => createJpeg2000Pool({ size: 1.5 }), RangeError);
    assert.throws(() => createJpeg2000Pool({ timeoutMs: 0 }), RangeError);
    assert.throws(() => createJpeg2000Pool({ timeoutMs: Infinity }), RangeError);
  });
});
