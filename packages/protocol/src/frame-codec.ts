import { FrameHeaderSchema, type FrameHeader } from './stream.js';

/** Hard bounds of the binary frame layout, independent of any server policy. */
export const FRAME_LIMITS = {
  maxHeaderBytes: 1024,
  maxFrameBytes: 2 * 1024 * 1024,
} as const;

export class FrameCodecError extends Error {
  readonly code = 'BAD_FRAME';
}

export interface Frame {
  header: FrameHeader;
  jpeg: Uint8Array;
}

const JPEG_SOI = [0xff, 0xd8, 0xff] as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** `[uint32 BE header length][UTF-8 JSON header][JPEG bytes]` */
export function encodeFrame(header: FrameHeader, jpeg: Uint8Array): Uint8Array {
  const head = encoder.encode(JSON.stringify(FrameHeaderSchema.parse(header)));
  if (head.length > FRAME_LIMITS.maxHeaderBytes) throw new FrameCodecError('frame header too long');
  const out = new Uint8Array(4 + head.length + jpeg.length);
  new DataView(out.buffer).setUint32(0, head.length, false);
  out.set(head, 4);
  out.set(jpeg, 4 + head.length);
  return out;
}

export function decodeFrame(bytes: Uint8Array, maxFrameBytes: number = FRAME_LIMITS.maxFrameBytes): Frame {
  if (bytes.length > maxFrameBytes) throw new FrameCodecError(`frame larger than ${maxFrameBytes} bytes`);
  if (bytes.length < 4) throw new FrameCodecError('frame shorter than its length prefix');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, false);
  if (headerLength === 0 || headerLength > FRAME_LIMITS.maxHeaderBytes) {
    throw new FrameCodecError(`header length ${headerLength} outside 1..${FRAME_LIMITS.maxHeaderBytes}`);
  }
  if (4 + headerLength > bytes.length) throw new FrameCodecError('header runs past the end of the frame');
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headerLength)));
  } catch {
    throw new FrameCodecError('header is not UTF-8 JSON');
  }
  const parsed = FrameHeaderSchema.safeParse(json);
  if (!parsed.success) throw new FrameCodecError(`header invalid: ${parsed.error.issues[0]?.message ?? 'schema'}`);
  const jpeg = bytes.subarray(4 + headerLength);
  if (jpeg.length < JPEG_SOI.length || JPEG_SOI.some((b, i) => jpeg[i] !== b)) {
    throw new FrameCodecError('payload is not a JPEG');
  }
  return { header: parsed.data, jpeg };
}
