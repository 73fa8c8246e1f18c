import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME_LIMITS, FrameCodecError, decodeFrame, encodeFrame } from './frame-codec.js';

const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
const header = { type: 'frame' as const, nonce: 'n0nce', seq: 7, t: 1234.5, w: 640, h: 480 };

test('a frame survives encode then decode', () => {
  const decoded = decodeFrame(encodeFrame(header, jpeg));
  assert.deepEqual(decoded.header, header);
  assert.deepEqual(Array.from(decoded.jpeg), Array.from(jpeg));
});

test('the length prefix is a big-endian uint32', () => {
  const bytes = encodeFrame(header, jpeg);
  const len = (bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!;
  assert.equal(JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + len))).seq, 7);
});

test('decoding works on a view with a byte offset', () => {
  const bytes = encodeFrame(header, jpeg);
  const padded = new Uint8Array(bytes.length + 5);
  padded.set(bytes, 5);
  assert.equal(decodeFrame(padded.subarray(5)).header.seq, 7);
});

const bad: [string, () => Uint8Array][] = [
  ['empty', () => new Uint8Array(0)],
  ['shorter than the prefix', () => Uint8Array.from([0, 0, 1])],
  ['zero header length', () => Uint8Array.from([0, 0, 0, 0, 0xff, 0xd8, 0xff])],
  ['header length past the end', () => Uint8Array.from([0, 0, 0, 50, 0x7b, 0x7d])],
  ['header length over the bound', () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x7b])],
  ['header not JSON', () => withHeader('not json')],
  ['header not UTF-8', () => withHeaderBytes(Uint8Array.from([0xc3, 0x28]))],
  ['header of another type', () => withHeader(JSON.stringify({ ...header, type: 'hello' }))],
  ['negative seq', () => withHeader(JSON.stringify({ ...header, seq: -1 }))],
  ['extra header field', () => withHeader(JSON.stringify({ ...header, extra: 1 }))],
  ['payload not a JPEG', () => withHeader(JSON.stringify(header), Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))],
  ['no payload', () => withHeader(JSON.stringify(header), new Uint8Array(0))],
];

for (const [name, make] of bad) {
  test(`decode rejects a frame with ${name}`, () => {
    assert.throws(() => decodeFrame(make()), FrameCodecError);
  });
}

test('decode rejects a frame over the byte limit before parsing it', () => {
  const big = new Uint8Array(FRAME_LIMITS.maxFrameBytes + 1);
  assert.throws(() => decodeFrame(big), /larger than/);
  assert.throws(() => decodeFrame(encodeFrame(header, jpeg), 10), /larger than/);
});

test('encode refuses an invalid header', () => {
  assert.throws(() => encodeFrame({ ...header, w: 0 }, jpeg));
});

function withHeader(text: string, payload: Uint8Array = jpeg): Uint8Array {
  return withHeaderBytes(new TextEncoder().encode(text), payload);
}

function withHeaderBytes(head: Uint8Array, payload: Uint8Array = jpeg): Uint8Array {
  const out = new Uint8Array(4 + head.length + payload.length);
  new DataView(out.buffer).setUint32(0, head.length, false);
  out.set(head, 4);
  out.set(payload, 4 + head.length);
  return out;
}
