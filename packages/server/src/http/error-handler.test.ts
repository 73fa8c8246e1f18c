import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { StoreUnavailableError } from '../sessions/errors.js';
import { WorkerPoolBusyError } from '../workers/pool.js';
import { errorHandler } from './error-handler.js';

const thrown: Record<string, () => unknown> = {
  busy: () => new WorkerPoolBusyError('the face analysis queue is full'),
  store: () => new StoreUnavailableError('the session store cannot be reached'),
  router: () => Object.assign(new URIError("Failed to decode param '%E0'"), { status: 400 }),
  bug: () => new TypeError('secret detail of a bug'),
};

let url: string;
let close: () => void;
before(async () => {
  const app = express();
  app.get('/:kind', (req, _res, next) => next(thrown[req.params.kind]!()));
  app.use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
after(() => close());

async function get(kind: string) {
  const res = await fetch(`${url}/${kind}`);
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, code: body.error.code, message: body.error.message, retryAfter: res.headers.get('retry-after') };
}

test('a full analysis queue is a 503 VERIFIER_BUSY to retry after a second', async () => {
  assert.deepEqual(await get('busy'), { status: 503, code: 'VERIFIER_BUSY', message: 'the verifier has more images waiting than it can queue; retry shortly', retryAfter: '1' });
});

test('an unreachable store is a 503 STORE_UNAVAILABLE to retry after a second', async () => {
  const { status, code, retryAfter } = await get('store');
  assert.deepEqual([status, code, retryAfter], [503, 'STORE_UNAVAILABLE', '1']);
});

test("the router's own 400 (a path that does not decode) is INVALID_REQUEST", async () => {
  const { status, code, retryAfter } = await get('router');
  assert.deepEqual([status, code, retryAfter], [400, 'INVALID_REQUEST', null]);
});

test('anything else is a 500 that reveals nothing', async () => {
  assert.deepEqual(await get('bug'), { status: 500, code: 'INTERNAL_ERROR', message: 'internal error', retryAfter: null });
});
