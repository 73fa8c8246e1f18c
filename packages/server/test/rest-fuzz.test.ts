import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  API_ERROR_CODES,
  CreateSessionResponseSchema,
  FaceMatchResponseSchema,
  MAX_METADATA_DEPTH,
  TRUSTED_IMAGE_ERROR_CODES,
  TrustedImageResponseSchema,
} from '@facelight/protocol';
import sharp from 'sharp';
import type { z } from 'zod';
import { caseRng, mutateBytes, mutateJson, randomJson, type Rng } from '../../protocol/src/fuzz-support.js';
import { auth, startTestServer, TEST_SECURITY, type TestServer } from './server.js';
import { healthy } from './stream-support.js';

/*
 * Every JSON body of the REST API, generated valid and then mutated (its
 * structure, or the serialised bytes themselves), against a real verifier:
 * each reply is the route's own response or a coded 4xx, never a 5xx. The
 * images inside are tiny (a 24-px grey square, random bytes), so the cases
 * exercise parsing and validation rather than the face models.
 */

const SEED = 0x2e_57f0;
const CASES = 10_000;
/** Requests in flight at once: enough to keep the verifier busy, few enough not to queue behind each other. */
const PARALLEL = 8;
const KNOWN_CODES = new Set([...Object.keys(API_ERROR_CODES), ...Object.keys(TRUSTED_IMAGE_ERROR_CODES)]);

let srv: TestServer;
let png: string;
before(async () => {
  srv = await startTestServer({
    logLevel: 'silent',
    // Tens of thousands of requests from one address, many with bad bodies on purpose.
    security: { ...TEST_SECURITY, rateLimit: { perApiKeyPerMinute: 1_000_000, perIpPerMinute: 1_000_000, failedAuthPerIpPerMinute: 1_000_000 } },
  });
  png = (await sharp({ create: { width: 24, height: 24, channels: 3, background: '#808080' } }).png().toBuffer()).toString('base64');
});
after(() => srv.close());
afterEach(async () => assert.ok(await healthy(srv), '/healthz is not 200'));

/** Stands for arrays nested thousands deep, written out only in the serialised body (see `serialise`). */
const deepMarker = (depth: number) => `\u0000deep:${depth}`;

/**
 * Nested objects and arrays, sometimes deeper than the metadata limit, and
 * now and then thousands of levels deep (arrays nest in 2 bytes a level, so
 * that still fits the 16 KB body): deep enough to overflow a recursive copy.
 */
function nested(rng: Rng): unknown {
  if (rng.chance(0.02)) return deepMarker(2000 + rng.int(5000));
  let value: unknown = randomJson(rng, 2);
  for (let depth = rng.int(MAX_METADATA_DEPTH + 4); depth > 0; depth--) value = rng.chance(0.5) ? [value] : { [`k${depth}`]: value };
  return value;
}

/** JSON text, with each deep marker replaced by that many nested arrays (JSON.stringify itself would overflow). */
const serialise = (value: unknown) =>
  new TextEncoder().encode((JSON.stringify(value) ?? 'null').replace(/"\\u0000deep:(\d+)"/g, (_, d: string) => `${'['.repeat(+d)}${']'.repeat(+d)}`));

function createBody(rng: Rng): unknown {
  const body: Record<string, unknown> = {};
  if (rng.chance(0.5)) body.mode = rng.pick(['express', 'dynamic']);
  if (rng.chance(0.3)) body.useCase = rng.pick(['onboarding', 'default', 'a'.repeat(64)]);
  if (rng.chance(0.7)) body.metadata = Object.fromEntries(Array.from({ length: rng.int(5) }, (_, i) => [`key${i}`, nested(rng)]));
  return body;
}

const base64Image = (rng: Rng) => (rng.chance(0.6) ? png : Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256))).toString('base64'));

/** The body to send: the valid one as it is, mutated as JSON, or with its serialised bytes mutated. */
function mutant(valid: unknown, rng: Rng): Uint8Array {
  const roll = rng.next();
  if (roll < 0.3) return serialise(valid);
  if (roll < 0.5) return mutateBytes(serialise(valid), rng).bytes;
  return serialise(mutateJson(valid, rng));
}

/** Checks one reply: the route's success schema, or a JSON error with a known code; never a 5xx. */
async function checkReply(res: Response, success: z.ZodType): Promise<void> {
  const text = await res.text();
  assert.ok(res.status < 500, `status ${res.status}: ${text}`);
  const body = JSON.parse(text) as { error?: { code?: string }; errors?: { code?: string }[] };
  if (res.ok) {
    assert.ok(success.safeParse(body).success, `a ${res.status} body does not match its schema: ${text.slice(0, 200)}`);
    return;
  }
  const codes = body.error ? [body.error.code] : (body.errors ?? []).map((e) => e.code);
  assert.ok(codes.length > 0 && codes.every((c) => c !== undefined && KNOWN_CODES.has(c)), `status ${res.status} without known codes: ${text.slice(0, 200)}`);
}

/** Runs CASES cases, PARALLEL at a time; a failure names the case to replay with caseRng(seed, i). */
async function fuzzRoute(seed: number, request: (rng: Rng) => Promise<Response>, success: z.ZodType): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  const run = async (i: number) => {
    try {
      const res = await request(caseRng(seed, i));
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      await checkReply(res, success);
    } catch (error) {
      throw new Error(`fuzz case failed (seed ${seed}, case ${i}; replay with caseRng(${seed}, ${i})): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  for (let start = 0; start < CASES; start += PARALLEL) {
    await Promise.all(Array.from({ length: Math.min(PARALLEL, CASES - start) }, (_, k) => run(start + k)));
  }
  return statuses;
}

const post = (path: string, body: Uint8Array, method = 'POST') =>
  fetch(`${srv.url}${path}`, { method, headers: { ...auth(), 'content-type': 'application/json' }, body });

describe('REST JSON bodies, mutated', () => {
  test(`POST /v1/sessions: ${CASES} mutants, each a session or a coded 4xx (seed ${SEED})`, { timeout: 600_000 }, async (t) => {
    const statuses = await fuzzRoute(SEED, (rng) => post('/v1/sessions', mutant(createBody(rng), rng)), CreateSessionResponseSchema);
    t.diagnostic(`statuses: ${JSON.stringify(statuses)}`);
    assert.ok((statuses[201] ?? 0) > 0 && (statuses[400] ?? 0) > 0, 'the mutants should both pass and fail validation');
  });

  test(`POST /v1/face-match: ${CASES} mutants, each a decision or a coded 4xx (seed ${SEED + 1})`, { timeout: 600_000 }, async (t) => {
    const valid = (rng: Rng) => ({ imageA: base64Image(rng), imageB: base64Image(rng) });
    const statuses = await fuzzRoute(SEED + 1, (rng) => post('/v1/face-match', mutant(valid(rng), rng)), FaceMatchResponseSchema);
    t.diagnostic(`statuses: ${JSON.stringify(statuses)}`);
  });

  test(`PUT /v1/sessions/:id/trusted-image as JSON: ${CASES} mutants, each a verdict on the image or a coded 4xx (seed ${SEED + 2})`, { timeout: 600_000 }, async (t) => {
    const created = (await (await post('/v1/sessions', new TextEncoder().encode('{}'))).json()) as { sessionId: string };
    const statuses = await fuzzRoute(
      SEED + 2,
      (rng) => post(`/v1/sessions/${created.sessionId}/trusted-image`, mutant({ image: base64Image(rng) }, rng), 'PUT'),
      TrustedImageResponseSchema,
    );
    t.diagnostic(`statuses: ${JSON.stringify(statuses)}`);
    assert.ok((statuses[422] ?? 0) > 0, 'some images should reach the image checks');
  });
});
