import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { encodeFrame, STREAM_ERROR_CODES, type ServerMessage } from '@facelight/protocol';
import sharp from 'sharp';
import { concat, forEachCase, mutateBytes, mutateJson, randomJson, type Rng } from '../../protocol/src/fuzz-support.js';
import { MAX_TEXT_BYTES } from '../src/stream/connection.js';
import { startTestServer, TEST_SECURITY, type TestServer } from './server.js';
import {
  StreamClient,
  captureTime,
  createSession,
  frameBytes,
  getResult,
  healthy,
  helloMessage,
  photoFrames,
  waitForResult,
  type TestFrame,
} from './stream-support.js';

/*
 * Untrusted input to the stream over real sockets, against a real verifier.
 * Cases stream-protocol.test.ts already pins are not repeated here: a frame
 * before hello, a second hello, a frame after done, seq going backwards,
 * frames 310 KiB or 1 MiB large, a frame wider than the challenge, too many
 * frames, a burst (RATE_LIMITED), truncated and garbage frames (BAD_FRAME),
 * another session's nonce, a client that reports an error or closes politely.
 */

const SEED = 0x57_4ea3;
const CASES_PER_STATE = 100;
const MAX_FRAME_BYTES = 300 * 1024;
/** Close codes ws itself uses for a broken WebSocket protocol: bad UTF-8 (1007), too large (1009), malformed (1002). */
const WS_PROTOCOL_CLOSES = [1002, 1007, 1009];
const CLIENT_CODES = Object.keys(STREAM_ERROR_CODES).filter((code) => code !== 'INTERNAL_ERROR');

let srv: TestServer;
let frames: TestFrame[];
before(async () => {
  srv = await startTestServer({
    useCases: { onboarding: { mode: 'dynamic' } },
    stream: { maxFrameBytes: MAX_FRAME_BYTES },
    // Hundreds of streams from one address, most of them refused on purpose.
    security: { ...TEST_SECURITY, rateLimit: { streamsPerIpPerMinute: 100_000, perApiKeyPerMinute: 100_000, failedAuthPerIpPerMinute: 100_000 } },
  });
  frames = await photoFrames('obama.jpg');
});
after(() => srv.close());
afterEach(async () => assert.ok(await healthy(srv), '/healthz is not 200'));

type State = 'before hello' | 'after challenge' | 'after done';

/** A mutated text message (possibly not UTF-8, not JSON, or huge) or binary frame, built from a valid one. */
function mutant(rng: Rng, session: { clientToken: string }, nonce: string): { bytes: Uint8Array; binary: boolean; steps: string } {
  if (rng.chance(0.4)) {
    const valid = frameBytes(frames[rng.int(frames.length)]!, rng.int(3), nonce || 'no-challenge-yet');
    if (rng.chance(0.5)) {
      const { bytes, steps } = mutateBytes(valid, rng, [frameBytes(frames[0]!, 1, nonce || 'n')]);
      return { bytes, binary: true, steps: `frame bytes: ${steps.join(', ')}` };
    }
    const header = mutateJson({ type: 'frame', nonce: nonce || 'n', seq: 0, t: captureTime(0), w: 640, h: 480 }, rng);
    const head = new TextEncoder().encode(JSON.stringify(header));
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, head.length);
    return { bytes: concat(prefix, head, frames[0]!.jpeg), binary: true, steps: `frame header: ${JSON.stringify(header).slice(0, 120)}` };
  }
  if (!nonce && rng.chance(0.25)) {
    // A well-formed hello whose signed token is damaged: only the token check stands in the way.
    const damaged = mutateBytes(new TextEncoder().encode(session.clientToken), rng);
    const token = new TextDecoder().decode(damaged.bytes);
    return { bytes: new TextEncoder().encode(JSON.stringify({ ...helloMessage(session.clientToken), token })), binary: false, steps: `token: ${damaged.steps.join(', ')}` };
  }
  const base = rng.pick([
    helloMessage(session.clientToken),
    { type: 'camera', camera: { label: 'Integrated Camera', width: 640, height: 480, frameRate: 30 } },
    { type: 'display', index: 0, t: captureTime(1) },
    { type: 'done' },
    { type: 'error', code: 'CAMERA_DENIED', message: 'no' },
  ]);
  const kind = rng.int(5);
  const text = kind === 0 ? JSON.stringify(randomJson(rng)) : JSON.stringify(mutateJson(base, rng));
  if (kind === 1) {
    const { bytes, steps } = mutateBytes(new TextEncoder().encode(text), rng);
    return { bytes, binary: false, steps: `text bytes: ${steps.join(', ')}` };
  }
  return { bytes: new TextEncoder().encode(text), binary: false, steps: `text: ${text.slice(0, 120)}` };
}

/** Everything the verifier says until it closes the connection, and how it closed it. */
async function drain(client: StreamClient): Promise<{ messages: ServerMessage[]; code: number }> {
  const messages: ServerMessage[] = [];
  for (let m = await client.next(); m; m = await client.next()) messages.push(m);
  return { messages, code: (await client.closed).code };
}

/**
 * A refusal is one error message with a code of the contract other than
 * INTERNAL_ERROR (which would mean the input broke the verifier), followed by
 * a 1008 close; ws's own protocol closes come without a message.
 */
function assertCoded({ messages, code }: { messages: ServerMessage[]; code: number }): string {
  const errors = messages.filter((m) => m.type === 'error');
  assert.ok(errors.length <= 1, `several errors: ${JSON.stringify(errors)}`);
  for (const m of messages) assert.ok(m.type === 'error' || m.type === 'result' || m.type === 'challenge', `unexpected ${JSON.stringify(m)}`);
  const error = errors[0];
  if (error) {
    assert.ok(CLIENT_CODES.includes(error.code), `error code ${error.code}: ${error.message}`);
    assert.equal(code, 1008, `error ${error.code} closed with ${code}`);
    return error.code;
  }
  assert.ok(code === 1000 || WS_PROTOCOL_CLOSES.includes(code), `closed with ${code} and no error message`);
  return messages.some((m) => m.type === 'result') ? 'result' : `close ${code}`;
}

/** One mutant in `state`; returns how the verifier ended the stream (an error code, a result, a bare close). */
async function fuzzOne(rng: Rng, state: State): Promise<string> {
  const session = await createSession(srv, rng.chance(0.3) ? { useCase: 'onboarding' } : {});
  const client = await StreamClient.open(srv, session.sessionId);
  let nonce = '';
  if (state !== 'before hello') nonce = (await client.hello(session.clientToken)).nonce;
  if (state === 'after done') client.send({ type: 'done' });
  const { bytes, binary, steps } = mutant(rng, session, nonce);
  try {
    client.ws.send(bytes, { binary });
    const heard: ServerMessage[] = [];
    if (state === 'before hello') {
      // A mutant that is still a valid hello gets its challenge; `done` then ends the stream.
      const first = await client.next();
      if (first) heard.push(first);
      if (first?.type === 'challenge') client.send({ type: 'done' });
    } else if (state === 'after challenge') {
      // Whatever the mutant did, `done` ends a stream that is still open.
      client.send({ type: 'done' });
    }
    const rest = await drain(client);
    const outcome = assertCoded({ messages: [...heard, ...rest.messages], code: rest.code });
    const result = await getResult(srv, session.sessionId);
    assert.ok([200, 409].includes(result.status), `GET result answered ${result.status}`);
    return outcome;
  } catch (error) {
    throw new Error(`${state}, ${binary ? 'binary' : 'text'} of ${bytes.length} bytes (${steps}): ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** A whole valid Express scan must still succeed: the fuzzing left nothing broken behind. */
async function assertScanSucceeds(): Promise<void> {
  const session = await createSession(srv);
  const client = await StreamClient.open(srv, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  await client.sendFrames(frames, challenge.capture.fps);
  client.send({ type: 'done' });
  assert.deepEqual(await client.next(), { type: 'result', status: 'SUCCESS' });
  assert.equal((await waitForResult(srv, session.sessionId)).status, 'SUCCESS');
}

describe('mutated messages and frames over real sockets', () => {
  (['before hello', 'after challenge', 'after done'] as const).forEach((state, k) => {
    const seed = SEED + k;
    test(`${CASES_PER_STATE} mutants ${state}: a coded error or a policy close, never a 500 (seed ${seed})`, { timeout: 600_000 }, async (t) => {
      const tally: Record<string, number> = {};
      await forEachCase(seed, CASES_PER_STATE, async (rng) => {
        const outcome = await fuzzOne(rng, state);
        tally[outcome] = (tally[outcome] ?? 0) + 1;
      });
      t.diagnostic(`${state}: ${JSON.stringify(tally)}`);
    });
  });

  test('afterwards the verifier is healthy and a valid scan succeeds', { timeout: 120_000 }, async () => {
    assert.ok(await healthy(srv));
    await assertScanSucceeds();
  });
});

/** A session past its challenge, with the stream's own frames at hand. */
async function streaming() {
  const session = await createSession(srv);
  const client = await StreamClient.open(srv, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  return { session, client, challenge };
}

async function expectStoredFailure(sessionId: string, reason: string) {
  const result = await waitForResult(srv, sessionId);
  assert.equal(result.status, 'FAILURE');
  assert.deepEqual(result.reasons, [reason]);
}

describe('out-of-order, duplicated and oversized frames', () => {
  test('a repeated sequence number: FRAME_OUT_OF_ORDER', async () => {
    const { session, client } = await streaming();
    client.sendBinary(client.frame(frames[0]!, 3));
    client.sendBinary(client.frame(frames[1]!, 3, captureTime(4)));
    await client.expectError('FRAME_OUT_OF_ORDER');
    await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
  });

  test('a capture time that goes backwards while seq goes on: FRAME_OUT_OF_ORDER', async () => {
    const { client } = await streaming();
    client.sendBinary(client.frame(frames[0]!, 0, 500));
    client.sendBinary(client.frame(frames[1]!, 1, 400));
    await client.expectError('FRAME_OUT_OF_ORDER');
  });

  test('the same binary message sent twice: FRAME_OUT_OF_ORDER (a repeated sequence number)', async () => {
    const { session, client } = await streaming();
    const bytes = client.frame(frames[0]!, 0);
    client.sendBinary(bytes);
    client.sendBinary(bytes);
    await client.expectError('FRAME_OUT_OF_ORDER');
    await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
  });

  test('the same JPEG again under new, in-order headers: the session fails with DUPLICATE_FRAMES', async () => {
    const { session, client } = await streaming();
    // A real sensor never repeats a frame byte for byte; a looped or frozen injected stream does.
    await client.sendFrames(frames.map((f, i) => frames[i < 8 ? i : 0]!));
    client.send({ type: 'done' });
    assert.deepEqual(await client.next(), { type: 'result', status: 'FAILURE' });
    const result = await waitForResult(srv, session.sessionId);
    assert.equal(result.reasons[0], 'DUPLICATE_FRAMES');
  });

  test('a frame of exactly the byte limit is accepted; one byte more: FRAME_TOO_LARGE', async () => {
    const padTo = (nonce: string, total: number) => {
      const header = { type: 'frame' as const, nonce, seq: 0, t: 0, w: 640, h: 480 };
      const overhead = encodeFrame(header, frames[0]!.jpeg).length;
      // Bytes after the JPEG's end marker: decoders ignore them, the byte limit does not.
      return encodeFrame(header, Buffer.concat([frames[0]!.jpeg, Buffer.alloc(total - overhead)]));
    };
    {
      const { session, client } = await streaming();
      client.sendBinary(padTo(client.nonce, MAX_FRAME_BYTES));
      client.send({ type: 'done' });
      const reply = await client.next();
      assert.equal(reply?.type, 'result', `a frame at the limit was refused: ${JSON.stringify(reply)}`);
      assert.equal((await waitForResult(srv, session.sessionId)).status, 'FAILURE'); // one frame is too few
    }
    {
      const { client } = await streaming();
      client.sendBinary(padTo(client.nonce, MAX_FRAME_BYTES + 1));
      assert.match(await client.expectError('FRAME_TOO_LARGE'), new RegExp(`${MAX_FRAME_BYTES + 1} bytes`));
    }
  });

  test('a portrait frame taller than twice the challenge width: FRAME_TOO_LARGE', async () => {
    const { client, challenge } = await streaming();
    const tall = await sharp({ create: { width: 480, height: 2 * challenge.capture.maxWidth + 2, channels: 3, background: '#888' } }).jpeg().toBuffer();
    client.sendBinary(encodeFrame({ type: 'frame', nonce: client.nonce, seq: 0, t: 0, w: 480, h: 2 * challenge.capture.maxWidth + 2 }, tall));
    await client.expectError('FRAME_TOO_LARGE');
  });

  test('a JPEG larger than its frame header says: BAD_FRAME', async () => {
    const { client } = await streaming();
    client.sendBinary(encodeFrame({ type: 'frame', nonce: client.nonce, seq: 0, t: 0, w: 320, h: 240 }, frames[0]!.jpeg));
    assert.match(await client.expectError('BAD_FRAME'), /640x480/);
  });

  test('a text message over the text limit: BAD_MESSAGE', async () => {
    const { session, client } = await streaming();
    client.send(JSON.stringify({ type: 'error', code: 'X', message: 'x'.repeat(MAX_TEXT_BYTES) }));
    assert.match(await client.expectError('BAD_MESSAGE'), /limited/);
    await expectStoredFailure(session.sessionId, 'PROTOCOL_VIOLATION');
  });
});

/**
 * The raw TCP socket under a ws client: the only way to stop in the middle of
 * a WebSocket message, as a browser whose network drops does. `_socket` is
 * ws's own (stable since ws 1) but not in its types.
 */
const rawSocket = (client: StreamClient) => (client.ws as unknown as { _socket: Socket })._socket;

/** The header of a masked binary WebSocket frame announcing `length` payload bytes (RFC 6455 §5.2), mask of zeros. */
function binaryFrameHead(length: number): Buffer {
  const head = Buffer.alloc(14);
  head[0] = 0x82; // FIN, binary
  head[1] = 0x80 | 127; // masked, 64-bit length
  head.writeBigUInt64BE(BigInt(length), 2);
  return head; // the last 4 bytes are the mask key: zeros leave the payload as is
}

describe('a client that disconnects mid-stream', () => {
  test('cut while its frames are being analysed: FAILURE, CLIENT_DISCONNECTED, and the verifier stays healthy', async () => {
    const { session, client } = await streaming();
    await client.sendFrames(frames.slice(0, 4));
    client.ws.terminate();
    await expectStoredFailure(session.sessionId, 'CLIENT_DISCONNECTED');
    assert.ok(await healthy(srv));
  });

  test('cut in the middle of a binary message: FAILURE, CLIENT_DISCONNECTED', async () => {
    const { session, client } = await streaming();
    await client.sendFrames(frames.slice(0, 2));
    const frame = client.frame(frames[2]!, 2);
    const socket = rawSocket(client);
    // Half of the next frame's payload, then the connection drops.
    await new Promise<void>((resolve) => socket.write(concat(binaryFrameHead(frame.length), frame.subarray(0, frame.length >> 1)), () => resolve()));
    socket.destroy();
    await expectStoredFailure(session.sessionId, 'CLIENT_DISCONNECTED');
  });

  test('gone right after hello: the session fails as CLIENT_DISCONNECTED or was never claimed and opens again', async () => {
    for (let i = 0; i < 5; i++) {
      const session = await createSession(srv);
      const client = await StreamClient.open(srv, session.sessionId);
      client.send(helloMessage(session.clientToken));
      client.ws.terminate();
      await client.closed;
      // The claim may or may not have happened before the close was seen: both ends are retryable.
      const deadline = Date.now() + 1500;
      let result = await getResult(srv, session.sessionId);
      while (result.status === 409 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        result = await getResult(srv, session.sessionId);
      }
      if (result.status === 200) {
        assert.deepEqual([result.body.status, result.body.reasons], ['FAILURE', ['CLIENT_DISCONNECTED']]);
      } else {
        assert.equal(result.status, 409);
        const again = await StreamClient.open(srv, session.sessionId);
        assert.equal((await again.hello(session.clientToken)).type, 'challenge');
        again.close();
        await again.closed;
      }
    }
  });

  test('after the disconnects the verifier is healthy and a new session succeeds', { timeout: 120_000 }, async () => {
    assert.ok(await healthy(srv));
    await assertScanSucceeds();
  });
});
