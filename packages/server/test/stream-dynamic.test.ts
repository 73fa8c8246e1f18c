import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeFrame, type ChallengeMessage, type ServerMessage, type SessionResult } from '@facelight/protocol';
import { GENUINE_STRONG, GENUINE_WEAK, seeded, type Scenario } from '../src/reflection/test-support.js';
import { loadPortrait, renderFrames, simulateTiming, type Portrait } from './reflection-frames.js';
import { startTestServer, type TestServer } from './server.js';
import { StreamClient, createSession, getResult, uploadTrusted, waitForResult } from './stream-support.js';

let srv: TestServer;
let portrait: Portrait;
before(async () => {
  srv = await startTestServer({ useCases: { onboarding: { mode: 'dynamic' } } });
  portrait = await loadPortrait('obama.jpg');
});
after(() => srv.close());

interface Scan {
  challenge: ChallengeMessage;
  reply: ServerMessage | undefined;
  result: SessionResult;
  /** From `done` to the result: the analysis backlog plus the decision. */
  decideMs: number;
}

/**
 * A Dynamic scan as the browser runs it, in real time: frames rendered from
 * the physical model at the simulated capture times, each colour's display
 * report sent just after it showed, then done.
 */
async function dynamicScan(scenario: Scenario, trusted?: string): Promise<Scan> {
  const session = await createSession(srv, { useCase: 'onboarding' });
  if (trusted) await uploadTrusted(srv, session.sessionId, trusted);
  const client = await StreamClient.open(srv, session.sessionId);
  const challenge = await client.hello(session.clientToken);
  const colors = challenge.colors!;
  const { fps, warmupMs, tailMs, jpegQuality } = challenge.capture;
  const timing = simulateTiming(colors, seeded(scenario.seed), { fps, warmupMs: warmupMs!, tailMs: tailMs! });
  const frames = await renderFrames(portrait, scenario, colors, timing, Math.round(jpegQuality * 100));
  const events = [
    ...frames.map((f, seq) => ({ t: f.t, send: () => client.sendBinary(encodeFrame({ type: 'frame', nonce: challenge.nonce, seq, t: f.t, w: 640, h: 480 }, f.jpeg)) })),
    ...timing.displayTimes.map((t, index) => ({ t: t + 1, send: () => client.send({ type: 'display', index, t }) })),
  ].sort((a, b) => a.t - b.t);
  const start = performance.now(), t0 = events[0]!.t;
  for (const e of events) {
    const wait = start + (e.t - t0) - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    e.send();
  }
  client.send({ type: 'done' });
  const done = performance.now();
  const reply = await client.next(60_000);
  const decideMs = performance.now() - done;
  await client.closed;
  const { status, body } = await getResult(srv, session.sessionId);
  assert.equal(status, 200);
  return { challenge, reply, result: body, decideMs };
}

describe('Dynamic stream outcomes (frames from the physical model on a real portrait)', { concurrency: 2 }, () => {
  test('a genuine face with weak reflection (7 levels) and the right trusted image: SUCCESS', async () => {
    const { challenge, reply, result, decideMs } = await dynamicScan(GENUINE_WEAK, 'obama-1080p.jpg');
    console.log(`genuine weak: decided ${decideMs.toFixed(0)} ms after done, reflection ${result.scores.reflection}, delay ${result.reflection?.delayMs}`);
    assert.equal(challenge.mode, 'dynamic');
    assert.equal(challenge.colors!.length, 10);
    const flashMs = challenge.colors!.reduce((a, c) => a + c.ms, 0);
    assert.ok(flashMs <= 4000);
    assert.deepEqual(challenge.capture, { maxWidth: 640, jpegQuality: 0.8, fps: 30, warmupMs: 500, tailMs: 500, durationMs: 1000 + flashMs, maxFrames: Math.ceil((30 * (1000 + flashMs) * 1.5) / 1000) });

    assert.deepEqual(reply, { type: 'result', status: 'SUCCESS' });
    assert.equal(result.mode, 'dynamic');
    assert.deepEqual(result.reasons, ['FACE_MATCHED']);
    assert.ok(result.scores.reflection! >= 0.5 && result.scores.reflection! <= 1);
    assert.ok(result.scores.liveness >= 0.5 && result.scores.faceMatch! >= 0.4);
    assert.ok(Math.abs(result.reflection!.delayMs - GENUINE_WEAK.delayMs) <= 30, `delay ${result.reflection!.delayMs}`);
    assert.equal(result.reflection!.responses.length, 10);
    assert.ok(result.reflection!.timeline.t.length <= 150);
    // The evidence is a frame of the 500-ms warm-up (15 frames at 30 fps), before the colours: the face as the room lit it.
    assert.ok(result.evidence.frame.length > 1000);
    assert.ok(result.evidence.seq! < 15, `evidence frame ${result.evidence.seq}`);
  });

  test('a genuine face with strong reflection (50 levels): SUCCESS', async () => {
    const { reply, result, decideMs } = await dynamicScan(GENUINE_STRONG);
    console.log(`genuine strong: decided ${decideMs.toFixed(0)} ms after done, reflection ${result.scores.reflection}, delay ${result.reflection?.delayMs}`);
    assert.deepEqual(reply, { type: 'result', status: 'SUCCESS' });
    assert.deepEqual(result.reasons, ['LIVENESS_ONLY']);
    assert.ok(Math.abs(result.reflection!.delayMs - GENUINE_STRONG.delayMs) <= 30);
  });

  const attacks: [Scenario, string][] = [
    [{ attack: 'replay', gainLevels: 20, delayMs: 100, seed: 21 }, 'REFLECTION_ABSENT'],
    [{ attack: 'photo', gainLevels: 20, delayMs: 100, seed: 22 }, 'REFLECTION_ABSENT'],
    [{ attack: 'shuffled', gainLevels: 20, delayMs: 100, seed: 23 }, 'REFLECTION_MISMATCH'],
    [{ attack: 'late', gainLevels: 20, delayMs: 100, seed: 24 }, 'IMPLAUSIBLE_DELAY'],
    [{ attack: 'tint', gainLevels: 20, delayMs: 100, seed: 25 }, 'FLAT_SURFACE'],
    [{ attack: 'flat', gainLevels: 20, delayMs: 100, seed: 26 }, 'FLAT_SURFACE'],
  ];
  for (const [scenario, reason] of attacks) {
    test(`${scenario.attack}: FAILURE with ${reason}, no retry hint`, async () => {
      const { reply, result } = await dynamicScan(scenario);
      assert.deepEqual(reply, { type: 'result', status: 'FAILURE' });
      assert.deepEqual(result.reasons, [reason, 'LIVENESS_ONLY']);
      assert.ok(result.scores.reflection! < 0.5);
    });
  }
});

describe('Dynamic display reports', () => {
  async function started() {
    const session = await createSession(srv, { useCase: 'onboarding' });
    const client = await StreamClient.open(srv, session.sessionId);
    await client.hello(session.clientToken);
    return { session, client };
  }
  const frame = (client: StreamClient, seq: number, t: number) => encodeFrame({ type: 'frame', nonce: client.nonce, seq, t, w: 640, h: 480 }, FRAME);
  let FRAME: Buffer;
  before(async () => {
    FRAME = (await renderFrames(portrait, { gainLevels: 0, delayMs: 0, seed: 1, attack: 'photo' }, [], { displayTimes: [], end: 0, frameTimes: [0] }))[0]!.jpeg;
  });

  test('a skipped, repeated or backdated colour: DISPLAY_OUT_OF_ORDER', async () => {
    for (const reports of [[{ index: 1, t: 10 }], [{ index: 0, t: 10 }, { index: 0, t: 20 }], [{ index: 0, t: 30 }, { index: 1, t: 20 }]]) {
      const { client } = await started();
      for (const r of reports) client.send({ type: 'display', ...r });
      await client.expectError('DISPLAY_OUT_OF_ORDER');
    }
  });

  test('a colour dated after it arrived, or before the first frame: DISPLAY_TIME_IMPLAUSIBLE, stored as an unstable connection', async () => {
    {
      const { session, client } = await started();
      client.sendBinary(frame(client, 0, 1000));
      await new Promise((r) => setTimeout(r, 50));
      // Sent 50 ms after a frame captured at 1000, yet dated 1000 ms later.
      client.send({ type: 'display', index: 0, t: 2050 });
      await client.expectError('DISPLAY_TIME_IMPLAUSIBLE');
      assert.deepEqual((await waitForResult(srv, session.sessionId)).reasons, ['CONNECTION_UNSTABLE']);
    }
    {
      const { client } = await started();
      client.sendBinary(frame(client, 0, 1000));
      client.send({ type: 'display', index: 0, t: 900 });
      await client.expectError('DISPLAY_TIME_IMPLAUSIBLE');
    }
  });

  test('done before every colour was reported: UNEXPECTED_MESSAGE, the session fails', async () => {
    const { session, client } = await started();
    client.sendBinary(frame(client, 0, 1000));
    client.send({ type: 'display', index: 0, t: 1010 });
    client.send({ type: 'done' });
    await client.expectError('UNEXPECTED_MESSAGE');
    const { body } = await getResult(srv, session.sessionId);
    assert.deepEqual(body.reasons, ['PROTOCOL_VIOLATION']);
  });
});
