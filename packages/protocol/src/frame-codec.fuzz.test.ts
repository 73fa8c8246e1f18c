import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME_LIMITS, FrameCodecError, decodeFrame, encodeFrame, type Frame } from './frame-codec.js';
import { BOUNDARY_NUMBERS, concat, forEachCase, mutateBytes, mutateJson, randomJson, randomString, type Rng } from './fuzz-support.js';
import { FrameHeaderSchema, type FrameHeader } from './stream.js';

/*
 * Every binary frame a browser (or anyone) sends reaches decodeFrame first.
 * Whatever the bytes, it must return a frame whose header the schema accepts
 * or throw FrameCodecError (which the verifier turns into BAD_FRAME): any
 * other exception would surface as INTERNAL_ERROR, or worse, escape.
 */

const SEED = 0x5eed_f4a3;
// A synchronous loop cannot be interrupted by the runner's timeout, but a finished run is proof of no hang; the
// timeout only turns an absurdly slow codec into a failure. Measured: the whole file takes ~1.5 s here.
const TIMEOUT_MS = 120_000;

const encoder = new TextEncoder();
const SOI = Uint8Array.of(0xff, 0xd8, 0xff);

function validHeader(rng: Rng): FrameHeader {
  const nonce = randomString(rng, 64).slice(0, 64);
  return {
    type: 'frame',
    nonce: nonce.length > 0 ? nonce : 'n',
    seq: rng.chance(0.2) ? rng.pick([0, 1, 1_000_000]) : rng.int(1_000_001),
    t: rng.chance(0.2) ? rng.pick([0, Number.MIN_VALUE, 1e308, Number.MAX_VALUE]) : rng.next() * 10 ** rng.between(0, 9),
    w: rng.chance(0.2) ? rng.pick([1, 4096]) : rng.between(1, 4096),
    h: rng.chance(0.2) ? rng.pick([1, 4096]) : rng.between(1, 4096),
  };
}

const jpegPayload = (rng: Rng) => concat(SOI, rng.bytes(rng.int(512)));

/** `[uint32 BE length][header bytes][payload]` with whatever length the caller says, true or not. */
function assemble(head: Uint8Array, payload: Uint8Array, declaredLength = head.length): Uint8Array {
  const out = new Uint8Array(4 + head.length + payload.length);
  new DataView(out.buffer).setUint32(0, declaredLength >>> 0, false);
  out.set(head, 4);
  out.set(payload, 4 + head.length);
  return out;
}

/** The decoder's verdict on `bytes`; fails the case on any exception other than FrameCodecError. */
function decodeOrRefuse(bytes: Uint8Array, maxFrameBytes?: number): Frame | FrameCodecError {
  let frame: Frame;
  try {
    frame = decodeFrame(bytes, maxFrameBytes);
  } catch (error) {
    if (error instanceof FrameCodecError && error.code === 'BAD_FRAME') return error;
    throw new Error(`decodeFrame threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  // Whatever it accepts is a frame the rest of the verifier may trust.
  assert.ok(FrameHeaderSchema.safeParse(frame.header).success, 'accepted header fails the schema');
  assert.ok(SOI.every((b, i) => frame.jpeg[i] === b), 'accepted payload is not a JPEG');
  assert.ok(bytes.length <= (maxFrameBytes ?? FRAME_LIMITS.maxFrameBytes), 'accepted a frame over the byte limit');
  // Re-encoding what was accepted gives the same frame back.
  const again = decodeFrame(encodeFrame(frame.header, frame.jpeg));
  assert.deepEqual(again.header, frame.header);
  assert.deepEqual(again.jpeg, frame.jpeg);
  return frame;
}

/** JSON has no -0: compare with what a header becomes on the wire. */
const onTheWire = (header: FrameHeader) => JSON.parse(JSON.stringify(header)) as FrameHeader;

test('generated valid frames survive encode then decode, at any byte offset and at the exact byte limit', { timeout: TIMEOUT_MS }, async () => {
  await forEachCase(SEED, 3000, (rng) => {
    const header = validHeader(rng);
    const jpeg = jpegPayload(rng);
    const bytes = encodeFrame(header, jpeg);
    assert.ok(bytes.length - 4 - jpeg.length <= FRAME_LIMITS.maxHeaderBytes);
    const decoded = decodeOrRefuse(bytes);
    assert.ok(!(decoded instanceof FrameCodecError), `valid frame refused: ${decoded instanceof Error ? decoded.message : ''}`);
    assert.deepEqual(decoded.header, onTheWire(header));
    assert.deepEqual(decoded.jpeg, jpeg);

    const offset = rng.between(1, 7);
    const padded = new Uint8Array(offset + bytes.length + rng.int(8));
    padded.set(bytes, offset);
    assert.deepEqual(decodeFrame(padded.subarray(offset, offset + bytes.length)).header, decoded.header);

    assert.deepEqual(decodeFrame(bytes, bytes.length).header, decoded.header);
    assert.throws(() => decodeFrame(bytes, bytes.length - 1), FrameCodecError);
  });
});

test('byte-mutated frames decode to a valid frame or throw FrameCodecError', { timeout: TIMEOUT_MS }, async (t) => {
  let accepted = 0;
  await forEachCase(SEED + 1, 4000, (rng) => {
    const original = encodeFrame(validHeader(rng), jpegPayload(rng));
    const donors = [encodeFrame(validHeader(rng), jpegPayload(rng)), encoder.encode('{"type":"frame"}')];
    const { bytes, steps } = mutateBytes(original, rng, donors);
    // A fifth of the cases also move the byte limit onto, just under or far under the frame's length.
    const max = rng.chance(0.2) ? rng.pick([bytes.length, bytes.length - 1, 4, 0]) : undefined;
    try {
      if (!(decodeOrRefuse(bytes, max) instanceof FrameCodecError)) accepted++;
    } catch (error) {
      throw new Error(`after ${steps.join(', ')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  });
  t.diagnostic(`${accepted} of 4000 mutated frames still decode`);
  // Payload-only mutations keep the frame valid: some must, or the mutations never reach the schema.
  assert.ok(accepted > 100, `only ${accepted} mutated frames decoded`);
});

test('frames whose header JSON is structurally mutated agree with the schema', { timeout: TIMEOUT_MS }, async (t) => {
  let accepted = 0;
  await forEachCase(SEED + 2, 3000, (rng) => {
    const mutated = mutateJson(validHeader(rng), rng);
    const text = JSON.stringify(mutated);
    const head = encoder.encode(text);
    const result = decodeOrRefuse(assemble(head, jpegPayload(rng)));
    const schemaSays = head.length <= FRAME_LIMITS.maxHeaderBytes && FrameHeaderSchema.safeParse(JSON.parse(text)).success;
    assert.equal(!(result instanceof FrameCodecError), schemaSays, `header ${text.slice(0, 200)}`);
    if (schemaSays) accepted++;
  });
  t.diagnostic(`${accepted} of 3000 mutated headers still valid`);
  assert.ok(accepted > 0, 'no mutated header was valid: the mutations are too destructive to test the accepting side');
});

test('generated frames (boundary length prefixes, any JSON header, random bytes) never break the decoder', { timeout: TIMEOUT_MS }, async () => {
  const prefixes = [0, 1, 2, 3, 4, FRAME_LIMITS.maxHeaderBytes, FRAME_LIMITS.maxHeaderBytes + 1, 0x7fffffff, 0x80000000, 0xffffffff];
  await forEachCase(SEED + 3, 1000, (rng) => {
    let bytes: Uint8Array;
    switch (rng.int(3)) {
      case 0: {
        const head = encoder.encode(JSON.stringify(randomJson(rng)) ?? '');
        bytes = assemble(head, jpegPayload(rng), rng.chance(0.5) ? head.length : rng.pick(prefixes));
        break;
      }
      case 1:
        bytes = rng.bytes(rng.int(64));
        break;
      default: {
        const head = rng.bytes(rng.int(1100));
        bytes = assemble(head, rng.chance(0.5) ? jpegPayload(rng) : rng.bytes(rng.int(16)), rng.chance(0.5) ? head.length : rng.pick(prefixes));
      }
    }
    decodeOrRefuse(bytes, rng.chance(0.1) ? rng.pick(BOUNDARY_NUMBERS.filter((n) => Number.isInteger(n) && n >= 0)) : undefined);
  });
});

test('a frame one byte over the limit is refused before its header is read', () => {
  const bytes = encodeFrame({ type: 'frame', nonce: 'n', seq: 0, t: 0, w: 1, h: 1 }, concat(SOI, new Uint8Array(FRAME_LIMITS.maxFrameBytes)));
  assert.ok(bytes.length > FRAME_LIMITS.maxFrameBytes);
  assert.throws(() => decodeFrame(bytes), (error: unknown) => error instanceof FrameCodecError && /larger than/.test(error.message));
});
