import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/*
 * The slice of @cornerstonejs/codec-openjpeg (an Emscripten build of OpenJPEG)
 * that we use; the package ships no type declarations.
 */

export interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

export interface J2KDecoder {
  /** A view into wasm memory, sized for the encoded bytes the caller copies in. */
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  /** A JS-owned copy of the decoded samples. */
  getDecodedBuffer(): Uint8Array;
  /** Frees the wasm-side buffers; embind objects are not garbage collected. */
  delete(): void;
}

export interface OpenJpeg {
  J2KDecoder: new () => J2KDecoder;
  /** The whole wasm heap; it only ever grows. */
  HEAPU8: Uint8Array;
}

type Factory = (module: { wasmBinary: Uint8Array; print: (line: string) => void; printErr: (line: string) => void }) => Promise<OpenJpeg>;

const require = createRequire(import.meta.url);
const factory = require('@cornerstonejs/codec-openjpeg/decodewasmjs') as Factory;
// Read once from disk and handed over, so the Emscripten loader never tries to fetch it.
const wasmBinary = readFileSync(require.resolve('@cornerstonejs/codec-openjpeg/decodewasm'));

/** A fresh decoder instance with its own wasm memory; OpenJPEG's messages go to `print`. */
export function loadOpenJpeg(print: (line: string) => void): Promise<OpenJpeg> {
  return factory({ wasmBinary, print, printErr: print });
}
