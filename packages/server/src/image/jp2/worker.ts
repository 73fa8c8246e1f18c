import { serveTasks } from '../../workers/protocol.js';
import { CodecAbortedError, createJpeg2000Decoder, type Jpeg2000Decoder } from './decode.js';
import type { RawImage } from './decode.js';

/*
 * One JPEG 2000 decode at a time, off the main thread: the wasm decoder runs
 * synchronously and would otherwise stall every request for its duration.
 */

// wasm memory never shrinks: after a large image, swap the instance for a fresh one
// rather than hold its high-water mark for the life of the process.
const MAX_HEAP_BYTES = 128 * 1024 * 1024;

let decoder: Promise<Jpeg2000Decoder> = createJpeg2000Decoder();

await serveTasks<ArrayBuffer, RawImage>(decoder, async (bytes) => {
  const current = await decoder;
  let suspect = false;
  try {
    const image = current.decode(new Uint8Array(bytes));
    return { result: image, transfer: [image.data.buffer as ArrayBuffer] };
  } catch (err) {
    suspect = err instanceof CodecAbortedError;
    throw err instanceof Error ? err : new Error('The JPEG 2000 decoder failed.');
  } finally {
    if (suspect || current.heapBytes() > MAX_HEAP_BYTES) decoder = createJpeg2000Decoder();
  }
});
