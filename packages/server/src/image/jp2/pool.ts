import { createWorkerPool, siblingModule, WorkerTaskError, WorkerTimeoutError } from '../../workers/pool.js';
import type { RawImage } from './decode.js';

export interface Jpeg2000PoolOptions {
  /** Worker threads, each decoding one image at a time (default 1). */
  size?: number;
  /** Decode time allowed per image, counted from when a worker takes it (default 5000 ms). */
  timeoutMs?: number;
}

export interface Jpeg2000Pool {
  decode(bytes: Uint8Array): Promise<RawImage>;
  /** Fails queued and running jobs and stops every worker. */
  close(): Promise<void>;
}

/** The input could not be decoded; the message says why. */
export class Jpeg2000DecodeError extends Error {
  override readonly name = 'Jpeg2000DecodeError';
}

export class Jpeg2000TimeoutError extends Error {
  override readonly name = 'Jpeg2000TimeoutError';
}

export function createJpeg2000Pool(options: Jpeg2000PoolOptions = {}): Jpeg2000Pool {
  const timeoutMs = options.timeoutMs ?? 5000;
  const pool = createWorkerPool<ArrayBuffer, RawImage>({
    name: 'JPEG 2000 decoder',
    workerUrl: siblingModule('worker', import.meta.url),
    size: options.size ?? 1,
    timeoutMs,
  });
  return {
    async decode(bytes) {
      // Copy exactly these bytes into a buffer we own: the view may share its ArrayBuffer
      // with other data (Node's Buffer pool, the request body), which must neither be
      // detached nor cloned along. That one copy is then moved, not cloned, to the worker.
      const owned = new Uint8Array(bytes).buffer;
      try {
        return await pool.run(owned, [owned]);
      } catch (error) {
        if (error instanceof WorkerTimeoutError) throw new Jpeg2000TimeoutError(`Decoding the JPEG 2000 image took longer than ${timeoutMs} ms.`);
        if (error instanceof WorkerTaskError) throw new Jpeg2000DecodeError(error.message);
        throw error;
      }
    },
    close: () => pool.close(),
  };
}
