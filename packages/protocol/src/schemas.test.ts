import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  API_ERROR_CODES,
  ClientMessageSchema,
  CreateSessionRequestSchema,
  FEEDBACK_CODES,
  FaceMatchRequestSchema,
  MAX_METADATA_DEPTH,
  RESULT_REASON_CODES,
  SDK_ERROR_CODES,
  STREAM_ERROR_CODES,
  ServerMessageSchema,
  TRUSTED_IMAGE_ERROR_CODES,
  nestsWithin,
} from './index.js';

const hello = {
  type: 'hello',
  token: 'abc',
  sdk: { version: '0.1.0' },
  camera: { label: 'FaceTime HD', width: 640, height: 480, frameRate: 30 },
  display: { width: 1280, height: 800, pixelRatio: 2 },
  signals: { webdriver: false },
};

test('every code has a one-line meaning', () => {
  for (const list of [FEEDBACK_CODES, RESULT_REASON_CODES, TRUSTED_IMAGE_ERROR_CODES, STREAM_ERROR_CODES, SDK_ERROR_CODES, API_ERROR_CODES]) {
    for (const [code, meaning] of Object.entries(list)) {
      assert.match(code, /^[A-Z][A-Z_]+$/);
      assert.ok(meaning.length > 10 && !meaning.includes('\n'), code);
    }
  }
});

test('client messages are told apart by type', () => {
  assert.equal(ClientMessageSchema.parse(hello).type, 'hello');
  assert.deepEqual(ClientMessageSchema.parse({ type: 'display', index: 2, t: 100.5 }), { type: 'display', index: 2, t: 100.5 });
  assert.deepEqual(ClientMessageSchema.parse({ type: 'done' }), { type: 'done' });
});

test('malformed client messages are refused', () => {
  for (const bad of [
    null,
    'hello',
    { type: 'frame', seq: 1 },
    { ...hello, token: '' },
    { ...hello, camera: { ...hello.camera, width: -1 } },
    { ...hello, admin: true },
    { type: 'display', index: 1.5, t: 0 },
    { type: 'display', index: 1, t: Number.NaN },
    { type: 'done', extra: 1 },
  ]) {
    assert.equal(ClientMessageSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('server messages carry the challenge and the result', () => {
  const challenge = {
    type: 'challenge',
    mode: 'dynamic',
    nonce: 'n',
    oval: { cx: 0.5, cy: 0.5, w: 0.6, h: 0.8 },
    capture: { maxWidth: 640, jpegQuality: 0.85, fps: 30 },
    colors: [{ rgb: [255, 255, 255], ms: 300 }],
  };
  assert.equal(ServerMessageSchema.parse(challenge).type, 'challenge');
  assert.equal(ServerMessageSchema.safeParse({ ...challenge, colors: [{ rgb: [256, 0, 0], ms: 300 }] }).success, false);
  // Dynamic: the capture covers a warm-up before the colours and a tail after them.
  const dynamicCapture = { maxWidth: 640, jpegQuality: 0.8, fps: 30, durationMs: 4300, maxFrames: 194, warmupMs: 500, tailMs: 500 };
  const parsed = ServerMessageSchema.parse({ ...challenge, capture: dynamicCapture });
  assert.deepEqual(parsed.type === 'challenge' && parsed.capture, dynamicCapture);
  assert.equal(ServerMessageSchema.safeParse({ ...challenge, capture: { ...dynamicCapture, warmupMs: -1 } }).success, false);
  assert.equal(ServerMessageSchema.parse({ type: 'result', status: 'FAILURE', retry: { code: 'REFLECTION_TOO_WEAK' } }).type, 'result');
  assert.equal(ServerMessageSchema.safeParse({ type: 'result', status: 'MAYBE' }).success, false);
});

test('session requests accept only known fields and modes', () => {
  assert.deepEqual(CreateSessionRequestSchema.parse({ useCase: 'onboarding' }), { useCase: 'onboarding' });
  assert.equal(CreateSessionRequestSchema.safeParse({ mode: 'turbo' }).success, false);
  assert.equal(CreateSessionRequestSchema.safeParse({ useCase: '../etc' }).success, false);
  assert.equal(CreateSessionRequestSchema.safeParse({ sessionId: 'x' }).success, false);
});

test('face-match images must be base64; a data URL prefix is tolerated', () => {
  const ok = FaceMatchRequestSchema.parse({ imageA: 'data:image/png;base64,AAAA', imageB: 'AAAA' });
  assert.equal(ok.imageA, 'AAAA');
  assert.equal(FaceMatchRequestSchema.safeParse({ imageA: 'not base64!', imageB: 'AAAA' }).success, false);
  assert.equal(FaceMatchRequestSchema.safeParse({ imageA: 'AAAA' }).success, false);
});

test('nestsWithin counts levels of objects and arrays, scalars aside, to any depth without recursion', () => {
  assert.equal(nestsWithin('text', 0), true);
  assert.equal(nestsWithin({ a: 1, b: [2, 3] }, 2), true);
  assert.equal(nestsWithin({ a: 1, b: [2, 3] }, 1), false);
  let deep: unknown = [];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.equal(nestsWithin(deep, 200_001), true);
  assert.equal(nestsWithin(deep, 200_000), false);
  const metadata = (levels: number) => {
    let value: unknown = { leaf: true };
    for (let i = 1; i < levels; i++) value = { down: value };
    return value;
  };
  assert.equal(CreateSessionRequestSchema.safeParse({ metadata: metadata(MAX_METADATA_DEPTH) }).success, true);
  assert.equal(CreateSessionRequestSchema.safeParse({ metadata: metadata(MAX_METADATA_DEPTH + 1) }).success, false);
});
