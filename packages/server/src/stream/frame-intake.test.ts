import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { encodeFrame } from '@facelight/protocol';
import sharp from 'sharp';
import { REGIONS_ONLY, STREAM_NEEDS, type AnalysisNeeds, type ImageAnalysis, type KnownFace } from '../analysis/analyze-face.js';
import { UndecodableImageError } from '../analysis/pool.js';
import { decodeCameraFrame, type RgbImage } from '../image/normalise.js';
import type { StreamError } from './errors.js';
import { refusal } from './test-support.js';

const refuse = (fn: () => void) => refusal(fn, 'the frame');
import { FrameIntake, type FrameLimits, type FramePlan } from './frame-intake.js';

const LIMITS: FrameLimits = { maxFrameBytes: 300 * 1024, maxWidth: 640, maxFrames: 30, fps: 15, nonce: 'session-nonce' };

/** Decodes as the real pool does before analysing, refusing what does not decode the same way. */
async function decode(bytes: Uint8Array, maxPixels: number): Promise<RgbImage> {
  try {
    return await decodeCameraFrame(Buffer.from(bytes), maxPixels);
  } catch {
    throw new UndecodableImageError();
  }
}

/** The analysis pool is this unit's collaborator: it finds no face in any frame and records what it saw. */
function fakePool() {
  const seen: RgbImage[] = [];
  return {
    seen,
    analyzeEncoded: async (bytes: Uint8Array, maxPixels: number): Promise<ImageAnalysis> => {
      const img = await decode(bytes, maxPixels);
      seen.push(img);
      return { width: img.width, height: img.height, faceCount: 0, face: null };
    },
    scoreLiveness: async () => assert.fail('frames without a face have no anti-spoof crop to score'),
  };
}

let jpeg: Buffer;
before(async () => {
  jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#8a6' } }).jpeg().toBuffer();
});

const frame = (seq: number, t = seq * 66, body = jpeg, w = 640, h = 480) => encodeFrame({ type: 'frame', nonce: LIMITS.nonce, seq, t, w, h }, body);


describe('frame intake', () => {
  test('accepted frames are decoded and analysed in the background', async () => {
    const pool = fakePool();
    const intake = new FrameIntake(LIMITS, pool, (err) => assert.fail(String(err)), 0);
    for (let seq = 0; seq < 5; seq++) intake.accept(frame(seq * 2), seq * 66);
    await intake.settled();
    assert.equal(intake.count, 5);
    assert.equal(pool.seen.length, 5);
    assert.deepEqual([pool.seen[0]!.width, pool.seen[0]!.height], [640, 480]);
    assert.deepEqual(intake.observations.map((o) => o.seq).sort((a, b) => a - b), [0, 2, 4, 6, 8]);
    // No face anywhere: the first frame stands as evidence.
    assert.equal(intake.evidence?.jpeg.equals(jpeg), true);
  });

  test('sequence numbers must increase and capture times must not go back', () => {
    const intake = new FrameIntake(LIMITS, fakePool(), () => undefined, 0);
    intake.accept(frame(3, 100), 0);
    assert.equal(refuse(() => intake.accept(frame(3, 200), 70)), 'FRAME_OUT_OF_ORDER');
    assert.equal(refuse(() => intake.accept(frame(2, 200), 70)), 'FRAME_OUT_OF_ORDER');
    assert.equal(refuse(() => intake.accept(frame(4, 99), 70)), 'FRAME_OUT_OF_ORDER');
    intake.accept(frame(4, 100), 70);
  });

  test('frames beyond the size limits are refused before decoding', async () => {
    const intake = new FrameIntake({ ...LIMITS, maxFrameBytes: 2000 }, fakePool(), () => undefined, 0);
    assert.equal(refuse(() => intake.accept(frame(0), 0)), 'FRAME_TOO_LARGE');
    const wide = await sharp({ create: { width: 800, height: 480, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const tall = await sharp({ create: { width: 480, height: 1400, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const open = new FrameIntake(LIMITS, fakePool(), () => undefined, 0);
    assert.equal(refuse(() => open.accept(frame(0, 0, wide, 800, 480), 0)), 'FRAME_TOO_LARGE');
    assert.equal(refuse(() => open.accept(frame(0, 0, tall, 480, 1400), 0)), 'FRAME_TOO_LARGE');
  });

  test('a header that lies about the JPEG, or bytes that are not one, is a bad frame', () => {
    const intake = new FrameIntake(LIMITS, fakePool(), () => undefined, 0);
    assert.equal(refuse(() => intake.accept(frame(0, 0, jpeg, 320, 240), 0)), 'BAD_FRAME');
    assert.equal(refuse(() => intake.accept(frame(0, 0, Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2])), 0)), 'BAD_FRAME');
    assert.equal(refuse(() => intake.accept(new Uint8Array([0, 0, 0, 200, 123]), 0)), 'BAD_FRAME');
  });

  test('a JPEG whose header is fine but whose data is not fails in the background', async () => {
    const errors: unknown[] = [];
    const intake = new FrameIntake(LIMITS, fakePool(), (err) => errors.push(err), 0);
    intake.accept(frame(0, 0, jpeg.subarray(0, jpeg.length >> 1)), 0);
    await intake.settled();
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as StreamError).code, 'BAD_FRAME');
  });

  test('no more than the challenge allows', () => {
    const intake = new FrameIntake({ ...LIMITS, maxFrames: 3 }, fakePool(), () => undefined, 0);
    for (let seq = 0; seq < 3; seq++) intake.accept(frame(seq), seq * 1000);
    assert.equal(refuse(() => intake.accept(frame(3), 3000)), 'TOO_MANY_FRAMES');
  });

  test('a four-second burst passes; a sustained rate above 3x the fps does not', () => {
    const burst = new FrameIntake({ ...LIMITS, maxFrames: 300 }, fakePool(), () => undefined, 0);
    for (let seq = 0; seq < 60; seq++) burst.accept(frame(seq), 0);
    assert.equal(refuse(() => burst.accept(frame(60), 0)), 'RATE_LIMITED');

    // 2.5x the fps, for as long as maxFrames allows: fine.
    const brisk = new FrameIntake({ ...LIMITS, maxFrames: 300 }, fakePool(), () => undefined, 0);
    for (let seq = 0; seq < 300; seq++) brisk.accept(frame(seq), (seq * 1000) / (2.5 * 15));
    brisk.close();

    // 4x the fps runs out after the burst allowance.
    const flood = new FrameIntake({ ...LIMITS, maxFrames: 300 }, fakePool(), () => undefined, 0);
    let refused = '';
    for (let seq = 0; seq < 300 && !refused; seq++) {
      try {
        flood.accept(frame(seq), (seq * 1000) / (4 * 15));
      } catch (err) {
        refused = (err as StreamError).code;
        assert.ok(seq > 60 && seq < 280, `refused at frame ${seq}`);
      }
    }
    flood.close();
    assert.equal(refused, 'RATE_LIMITED');
  });

  test('tracked frames take the face of the last detecting frame before them, whatever order the analyses finish in', async () => {
    // Frames 0, 3 and 6 run the detector (0 finds a face at x = 10, 3 finds none, 6 one at x = 60); the others
    // follow. Each frame is a flat grey of its own level, so the pool knows which one it was given.
    const LEVEL = 30;
    const bodies = await Promise.all(Array.from({ length: 8 }, (_, seq) => sharp({ create: { width: 640, height: 480, channels: 3, background: { r: seq * LEVEL, g: seq * LEVEL, b: seq * LEVEL } } }).jpeg().toBuffer()));
    const calls: { seq: number; known?: KnownFace }[] = [];
    const faceAt = (x: number): ImageAnalysis['face'] => ({ box: { x, y: 0, w: 100, h: 100 }, detectionScore: 0.9, landmarks: [], landmarksOutside: 0, eyeDistancePx: 40, regions: null });
    const pool = {
      analyzeEncoded: async (bytes: Uint8Array, maxPixels: number, _needs?: AnalysisNeeds, known?: KnownFace | null): Promise<ImageAnalysis> => {
        const img = await decode(bytes, maxPixels);
        if (known === null) return { width: img.width, height: img.height, faceCount: 0, face: null };
        const seq = Math.round(img.data[0]! / LEVEL);
        calls.push({ seq, ...(known ? { known } : {}) });
        // The detecting frames finish last: a tracked frame must still wait for its own.
        if (!known) await new Promise((r) => setTimeout(r, 20));
        const face = seq === 0 ? faceAt(10) : seq === 3 ? null : known ? faceAt(known.box.x) : faceAt(60);
        return { width: img.width, height: img.height, faceCount: face ? 1 : 0, face };
      },
      scoreLiveness: async () => 1,
    };
    const plan: FramePlan = { needs: (_h, i) => (i % 3 === 0 ? { ...STREAM_NEEDS, embedding: false, regions: true } : REGIONS_ONLY), roomLit: () => false, tracks: (i) => i % 3 !== 0 };
    const intake = new FrameIntake({ ...LIMITS, maxFrames: 300 }, pool, (err) => assert.fail(String(err)), 0, plan);
    for (let seq = 0; seq < 8; seq++) intake.accept(frame(seq, seq * 66, bodies[seq]), seq * 66);
    await intake.settled();
    // Frames 4 and 5 follow a frame without a face: only decoded, counted as faceless.
    assert.deepEqual(calls.map((c) => c.seq).sort(), [0, 1, 2, 3, 6, 7]);
    assert.deepEqual(Object.fromEntries(calls.filter((c) => c.known).map((c) => [c.seq, c.known!.box.x])), { 1: 10, 2: 10, 7: 60 });
    const bySeq = new Map(intake.samples.map((s) => [s.seq, s.faceCount]));
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((seq) => bySeq.get(seq)), [1, 1, 1, 0, 0, 0, 1, 1]);
  });

  test('a frame that needs the embedding always runs the detector', async () => {
    const known: (KnownFace | undefined)[] = [];
    const pool = {
      analyzeEncoded: async (bytes: Uint8Array, maxPixels: number, _needs?: AnalysisNeeds, face?: KnownFace | null): Promise<ImageAnalysis> => {
        const img = await decode(bytes, maxPixels);
        known.push(face ?? undefined);
        return { width: img.width, height: img.height, faceCount: 0, face: null };
      },
      scoreLiveness: async () => 1,
    };
    const intake = new FrameIntake(LIMITS, pool, (err) => assert.fail(String(err)), 0, { needs: () => STREAM_NEEDS, roomLit: () => true, tracks: () => true });
    for (let seq = 0; seq < 3; seq++) intake.accept(frame(seq), seq * 66);
    await intake.settled();
    assert.deepEqual(known, [undefined, undefined, undefined]);
  });
});
