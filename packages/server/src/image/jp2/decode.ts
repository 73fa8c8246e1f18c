import { type Jpeg2000Header, readJpeg2000Header } from './codestream.js';
import { type FrameInfo, loadOpenJpeg } from './openjpeg.js';

/** Decoded samples, 8 bits per sample, channels interleaved, rows top to bottom. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface Jpeg2000Decoder {
  /** Throws an Error whose message says why the image cannot be decoded. */
  decode(bytes: Uint8Array): RawImage;
  /** Size of the wasm heap, which keeps its high-water mark until the instance is dropped. */
  heapBytes(): number;
}

/** The wasm codec itself failed (trap, abort, C++ exception): its instance can no longer be trusted. */
export class CodecAbortedError extends Error {
  override readonly name = 'CodecAbortedError';
}

/**
 * Above this many tiles OpenJPEG's per-tile bookkeeping alone becomes a memory
 * bomb: a 64 KB codestream re-tiled into 3x3 tiles (48 000 tiles) took 660 MB
 * and 750 ms. Real photos use one tile or a few hundred.
 */
export const MAX_TILES = 4096;

/**
 * Why this codec build cannot faithfully decode the image, or undefined if it
 * can. The build throws on other component counts, silently returns wrong
 * pixels for signed samples, and its handling of subsampled components is
 * unverified; refusing up front keeps all of that out of the wasm decoder.
 */
export function unsupportedReason(header: Jpeg2000Header): string | undefined {
  const { components, tiles } = header;
  const first = components[0];
  if (!first || (components.length !== 1 && components.length !== 3)) {
    return `has ${components.length} components; only 1 (grey) or 3 (colour) are supported`;
  }
  if (components.some((c) => c.signed)) return 'has signed samples, which are not supported';
  if (components.some((c) => c.dx !== 1 || c.dy !== 1)) return 'has subsampled components, which are not supported';
  if (components.some((c) => c.precision !== first.precision)) return 'mixes bit depths between components';
  if (first.precision > 16) return `has ${first.precision}-bit samples; at most 16 are supported`;
  if (tiles > MAX_TILES) return `is split into ${tiles} tiles; at most ${MAX_TILES} are accepted`;
  return undefined;
}

/**
 * Converts the codec's output (8-bit samples, or little-endian 16-bit words
 * when the precision is above 8) to 8-bit samples, scaling any precision
 * other than 8 to the full 0-255 range.
 */
export function toEightBit(decoded: Uint8Array, info: FrameInfo): RawImage {
  const { width, height, componentCount: channels, bitsPerSample: bits } = info;
  if (channels !== 1 && channels !== 3) throw new Error(`the decoder returned ${channels} components`);
  const samples = width * height * channels;
  const wide = bits > 8;
  if (decoded.byteLength !== samples * (wide ? 2 : 1)) {
    throw new Error(`the decoder returned ${decoded.byteLength} bytes for ${width}x${height}x${channels} at ${bits} bits`);
  }
  if (bits === 8) return { data: decoded, width, height, channels };
  const scale = 255 / (2 ** bits - 1);
  const data = new Uint8Array(samples);
  if (wide) {
    const view = new DataView(decoded.buffer, decoded.byteOffset, decoded.byteLength);
    for (let i = 0; i < samples; i++) data[i] = Math.round(view.getUint16(2 * i, true) * scale);
  } else {
    for (let i = 0; i < samples; i++) data[i] = Math.round((decoded[i] as number) * scale);
  }
  return { data, width, height, channels };
}

/** Loads a codec instance. Blocks the calling thread while decoding: use it in a worker. */
export async function createJpeg2000Decoder(): Promise<Jpeg2000Decoder> {
  const errors: string[] = [];
  const codec = await loadOpenJpeg((line) => {
    // OpenJPEG chats at [INFO] level; keep only what explains a failure.
    if (line.startsWith('[ERROR]') && errors.length < 5) errors.push(line.slice('[ERROR]'.length).trim());
  });
  return {
    heapBytes: () => codec.HEAPU8.length,
    decode(bytes) {
      const reason = unsupportedReason(readJpeg2000Header(bytes));
      if (reason) throw new Error(`The JPEG 2000 image ${reason}.`);
      errors.length = 0;
      const decoder = new codec.J2KDecoder();
      try {
        try {
          decoder.getEncodedBuffer(bytes.length).set(bytes);
          decoder.decode();
        } catch (cause) {
          throw new CodecAbortedError('The JPEG 2000 decoder aborted on this image.', { cause });
        }
        const info = decoder.getFrameInfo();
        // This codec reports failure by returning an empty frame, never by throwing.
        if (info.width === 0 || info.height === 0) {
          throw new Error(`OpenJPEG could not decode the image: ${errors.join('; ') || 'no reason given'}.`);
        }
        const decoded = decoder.getDecodedBuffer();
        return toEightBit(new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength), info);
      } finally {
        decoder.delete();
      }
    },
  };
}
