import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import { RESULT_REASON_CODES, STREAM_ERROR_CODES } from './codes.js';
import { forEachCase, mutateBytes, mutateJson, randomString, walk, type Rng } from './fuzz-support.js';
import { ClientMessageSchema, ServerMessageSchema } from './stream.js';

/*
 * Every text message of the stream, both directions, generated valid and then
 * mutated through the schemas that guard it. The verifier parses client
 * messages exactly this way (JSON.parse, then ClientMessageSchema.safeParse;
 * see parseClientMessage in the server's stream/connection.ts, which is not
 * exported: the server's stream-fuzz test sends these over a real socket).
 */

const CASES = 10_000;
// The loops are synchronous: finishing is the proof of no hang; the timeout only fails an absurdly slow schema.
const TIMEOUT_MS = 300_000;

/** Longest string and array any client message may carry (the hello token; the signal lists). */
const CLIENT_LIMITS = { string: 4096, array: 32 };

const asciiOf = (rng: Rng, alphabet: string, min: number, max: number) =>
  Array.from({ length: rng.between(min, max) }, () => alphabet[rng.int(alphabet.length)]).join('');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A string within `max` UTF-16 units, sometimes exactly at it. */
function boundedString(rng: Rng, max: number, min = 0): string {
  if (rng.chance(0.1)) return 'a'.repeat(max);
  const s = randomString(rng, Math.min(max, 48)).slice(0, max);
  return s.length >= min ? s : 'a'.repeat(min);
}

const finiteIn = (rng: Rng, lo: number, hi: number) => (rng.chance(0.15) ? rng.pick([lo, hi]) : lo + rng.next() * (hi - lo));
const intIn = (rng: Rng, lo: number, hi: number) => (rng.chance(0.15) ? rng.pick([lo, hi]) : rng.between(lo, hi));
const list = <T>(rng: Rng, max: number, item: () => T) => Array.from({ length: rng.chance(0.1) ? max : rng.int(max + 1) }, item);

function optional<T extends object>(rng: Rng, fields: { [K in keyof T]: () => T[K] }): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(fields) as (keyof T)[]) if (rng.chance(0.5)) out[key] = fields[key]();
  return out;
}

const camera = (rng: Rng) => ({ label: boundedString(rng, 256), width: intIn(rng, 1, 16384), height: intIn(rng, 1, 16384), frameRate: finiteIn(rng, 0, 1000) });

function hello(rng: Rng) {
  const signals = optional(rng, {
    webdriver: () => rng.chance(0.5),
    automation: () => list(rng, 32, () => boundedString(rng, 64)),
    cameraLabels: () => list(rng, 32, () => boundedString(rng, 256)),
    tamperedApis: () => list(rng, 32, () => boundedString(rng, 64)),
    webglRenderer: () => boundedString(rng, 256),
    userAgent: () => boundedString(rng, 512),
    platform: () => boundedString(rng, 256),
    maxTouchPoints: () => intIn(rng, 0, 1000),
    hardwareConcurrency: () => intIn(rng, 0, 4096),
  });
  return {
    type: 'hello',
    // Token-shaped (base64url, dot-separated parts), sometimes at the length limit.
    token: rng.chance(0.05) ? 'A'.repeat(4096) : `${asciiOf(rng, BASE64URL, 1, 64)}.${asciiOf(rng, BASE64URL, 0, 128)}`,
    sdk: { version: boundedString(rng, 64) },
    camera: camera(rng),
    display: { width: intIn(rng, 1, 65536), height: intIn(rng, 1, 65536), pixelRatio: rng.chance(0.1) ? rng.pick([Number.MIN_VALUE, 16]) : 0.25 + rng.next() * 15 },
    ...(rng.chance(0.8) ? { signals } : {}),
  };
}

const cameraMessage = (rng: Rng) => ({ type: 'camera', camera: camera(rng) });
const display = (rng: Rng) => ({ type: 'display', index: intIn(rng, 0, 1000), t: rng.chance(0.1) ? rng.pick([0, Number.MAX_VALUE]) : rng.next() * 1e7 });
const done = () => ({ type: 'done' });
const errorMessage = (rng: Rng) => ({
  type: 'error',
  code: rng.chance(0.5) ? rng.pick(Object.keys(STREAM_ERROR_CODES)) : boundedString(rng, 64),
  message: boundedString(rng, 1024),
});

function challenge(rng: Rng) {
  const mode = rng.pick(['express', 'dynamic'] as const);
  return {
    type: 'challenge',
    mode,
    nonce: asciiOf(rng, BASE64URL, 22, 43),
    oval: { cx: finiteIn(rng, 0, 1), cy: finiteIn(rng, 0, 1), w: rng.chance(0.1) ? 1 : 0.01 + rng.next() * 0.99, h: rng.chance(0.1) ? 1 : 0.01 + rng.next() * 0.99 },
    capture: {
      maxWidth: intIn(rng, 1, 4096),
      jpegQuality: finiteIn(rng, 0, 1),
      fps: 1 + rng.next() * 59,
      ...optional(rng, {
        durationMs: () => intIn(rng, 1, 60_000),
        maxFrames: () => intIn(rng, 1, 2000),
        warmupMs: () => intIn(rng, 0, 5000),
        tailMs: () => intIn(rng, 0, 5000),
      }),
    },
    ...(mode === 'dynamic' ? { colors: list(rng, 12, () => ({ rgb: [intIn(rng, 0, 255), intIn(rng, 0, 255), intIn(rng, 0, 255)], ms: intIn(rng, 1, 5000) })) } : {}),
    ...(rng.chance(0.5) ? { signature: asciiOf(rng, BASE64URL, 0, 128) } : {}),
  };
}

const result = (rng: Rng) => ({
  type: 'result',
  status: rng.pick(['SUCCESS', 'FAILURE']),
  ...(rng.chance(0.5) ? { retry: { code: rng.pick(Object.keys(RESULT_REASON_CODES)) } } : {}),
});

/**
 * Throws when a parsed message carries a string or array longer than `limits`.
 * Strings are measured as zod's max() measures them, in code points: up to
 * twice as many UTF-16 units (four times as many UTF-8 bytes) get through.
 */
function assertBounded(data: unknown, limits: { string: number; array: number }): void {
  for (const { path, value } of walk(data)) {
    if (typeof value === 'string') {
      const codePoints = [...value].length;
      assert.ok(codePoints <= limits.string, `${path}: a string of ${codePoints} code points got through`);
    }
    if (Array.isArray(value)) assert.ok(value.length <= limits.array, `${path}: an array of ${value.length} got through`);
  }
}

/**
 * One message through `schema`: safeParse must not throw; an accepted message
 * must parse again to itself (nothing half-checked slips through as "valid")
 * and pass `check`.
 */
function parseSafely(schema: z.ZodType, message: unknown, check: (data: unknown) => void): boolean {
  let parsed: ReturnType<z.ZodType['safeParse']>;
  try {
    parsed = schema.safeParse(message);
  } catch (error) {
    throw new Error(`safeParse threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  if (!parsed.success) {
    assert.ok(parsed.error.issues.length > 0, 'a refusal without any issue');
    return false;
  }
  assert.deepEqual(schema.parse(parsed.data), parsed.data);
  check(parsed.data);
  return true;
}

/** What the receiving side does with a text frame: UTF-8 (lossy, as Buffer#toString), JSON.parse, then the schema. */
function parseText(schema: z.ZodType, bytes: Uint8Array, check: (data: unknown) => void): void {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return;
  }
  parseSafely(schema, json, check);
}

interface Kind {
  name: string;
  schema: z.ZodType;
  generate: (rng: Rng) => object;
  /** What a valid message parses to (defaults filled in). */
  expected?: (message: object) => object;
  check: (data: unknown) => void;
}

const clientCheck = (data: unknown) => assertBounded(data, CLIENT_LIMITS);

const KINDS: Kind[] = [
  { name: 'hello', schema: ClientMessageSchema, generate: hello, expected: (m) => ({ signals: {}, ...m }), check: clientCheck },
  { name: 'camera', schema: ClientMessageSchema, generate: cameraMessage, check: clientCheck },
  { name: 'display', schema: ClientMessageSchema, generate: display, check: clientCheck },
  { name: 'done', schema: ClientMessageSchema, generate: done, check: clientCheck },
  { name: 'error (client)', schema: ClientMessageSchema, generate: errorMessage, check: clientCheck },
  { name: 'error (server)', schema: ServerMessageSchema, generate: errorMessage, check: (data) => assertBounded(data, { string: 1024, array: 0 }) },
  { name: 'result', schema: ServerMessageSchema, generate: result, check: (data) => assertBounded(data, { string: 64, array: 0 }) },
  {
    name: 'challenge',
    schema: ServerMessageSchema,
    generate: challenge,
    // Only the signature is bounded by the schema; nonce, colors and capture are not (reported to the lead).
    check: (data) => {
      const signature = (data as { signature?: string }).signature;
      assert.ok(signature === undefined || signature.length <= 128, `a signature of ${signature?.length} got through`);
    },
  },
];

KINDS.forEach((kind, k) => {
  const seed = 0x0d15_ea5e + k;
  test(`${kind.name}: ${CASES} valid messages stay valid and ${CASES} mutants never throw or overflow (seed ${seed})`, { timeout: TIMEOUT_MS }, async (t) => {
    let accepted = 0;
    const started = performance.now();
    await forEachCase(seed, CASES, (rng) => {
      const valid = kind.generate(rng);
      const expected = kind.expected?.(valid) ?? valid;
      assert.ok(parseSafely(kind.schema, valid, kind.check), `valid ${kind.name} refused: ${JSON.stringify(valid).slice(0, 300)}`);
      assert.deepEqual(kind.schema.parse(valid), expected);
      assert.deepEqual(kind.schema.parse(JSON.parse(JSON.stringify(valid))), expected);

      // As built in memory (NaN, infinities, own "__proto__" keys)...
      const mutant = mutateJson(valid, rng);
      if (parseSafely(kind.schema, mutant, kind.check)) accepted++;
      // ...and as it arrives on the wire, where JSON has turned those into null or plain keys.
      const text = JSON.stringify(mutant);
      parseSafely(kind.schema, JSON.parse(text), kind.check);
      // A third of the cases also damage the serialised text itself: bad JSON, bad UTF-8, cut or spliced.
      if (rng.chance(1 / 3)) parseText(kind.schema, mutateBytes(new TextEncoder().encode(text), rng).bytes, kind.check);
    });
    t.diagnostic(`${kind.name}: ${accepted} of ${CASES} mutants still valid; ${Math.round(performance.now() - started)} ms`);
  });
});
