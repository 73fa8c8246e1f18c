import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { GIF, SVG, TEXT, jp2Claiming, pngClaiming, randomBehindMagic, truncated } from './bad-images.js';
import { face } from './data.js';
import { auth, startTestServer, type TestServer } from './server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

async function createSession(body: object = {}) {
  const res = await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function upload(bytes: Buffer, contentType = 'application/octet-stream') {
  const { body: session } = await createSession();
  const res = await fetch(`${srv.url}/v1/sessions/${session.sessionId}/trusted-image`, { method: 'PUT', headers: { ...auth(), 'content-type': contentType }, body: bytes });
  return { status: res.status, body: (await res.json()) as { accepted?: boolean; errors?: { code: string; measured?: number; limit?: number }[]; error?: { code: string }; quality?: Record<string, number> }, sessionId: session.sessionId as string };
}

const codes = (b: { errors?: { code: string }[] }) => (b.errors ?? []).map((e) => e.code).sort();

describe('sessions', () => {
  test('create session returns an id, a client token, the mode and the expiry', async () => {
    const { status, body } = await createSession();
    assert.equal(status, 201);
    assert.match(String(body.sessionId), /^[0-9a-f-]{36}$/);
    assert.ok(String(body.clientToken).length >= 40);
    assert.equal(body.mode, 'express');
    assert.ok(Date.parse(String(body.expiresAt)) > Date.now() + 60_000);
  });

  test('the use case chooses the mode unless the request names one', async () => {
    assert.equal((await createSession({ useCase: 'onboarding' })).body.mode, 'dynamic');
    assert.equal((await createSession({ useCase: 'onboarding', mode: 'express' })).body.mode, 'express');
    const unknown = await createSession({ useCase: 'nope' });
    assert.equal(unknown.status, 400);
    assert.equal((unknown.body.error as { code: string }).code, 'UNKNOWN_USE_CASE');
  });

  test('a malformed body is a 400 with a code', async () => {
    for (const body of ['{not json', JSON.stringify({ mode: 'turbo' }), JSON.stringify({ extra: 1 })]) {
      const res = await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'INVALID_REQUEST');
    }
  });

  test('metadata nested deeper than its limit is a 400, however deep; within it, it is kept', async () => {
    const nested = (depth: number) => {
      let value: unknown = 'leaf';
      for (let i = 0; i < depth; i++) value = { k: value };
      return value;
    };
    // Arrays nest in 2 bytes a level: 4,000 levels fit the body limit.
    const bodies = [JSON.stringify({ metadata: { deep: nested(8) } }), `{"metadata":{"deep":${'['.repeat(4000)}${']'.repeat(4000)}}}`];
    for (const body of bodies) {
      const res = await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body });
      assert.equal(res.status, 400, body.slice(0, 60));
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'INVALID_REQUEST');
    }
    assert.equal((await createSession({ metadata: { deep: nested(7) } })).status, 201);
  });

  test('a path that does not decode is a 400 with a code', async () => {
    for (const path of ['%E0/result', '%zz', 'abc%/trusted-image']) {
      const res = await fetch(`${srv.url}/v1/sessions/${path}`, { headers: auth() });
      assert.equal(res.status, 400, path);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'INVALID_REQUEST');
    }
  });

  test("responses carry helmet's headers", async () => {
    const res = await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' });
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  test('a wrong or missing API key is a 401', async () => {
    for (const headers of [auth('wrong-key-0123456789abcdef'), {}, { authorization: 'Basic abc' }]) {
      const res = await fetch(`${srv.url}/v1/sessions`, { method: 'POST', headers, body: '{}' });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UNAUTHORIZED');
    }
  });

  test('an unknown session is a 404 on every session route', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const [method, path] of [['GET', 'result'], ['PUT', 'trusted-image'], ['DELETE', '']] as const) {
      const res = await fetch(`${srv.url}/v1/sessions/${id}/${path}`, { method, headers: auth(), ...(method === 'PUT' ? { body: 'x' } : {}) });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'SESSION_NOT_FOUND');
    }
  });

  test('the result is PENDING (409) before a scan, and DELETE erases the session', async () => {
    const { body } = await createSession();
    const pending = await fetch(`${srv.url}/v1/sessions/${body.sessionId}/result`, { headers: auth() });
    assert.equal(pending.status, 409);
    assert.equal(((await pending.json()) as { status: string }).status, 'PENDING');
    assert.equal((await fetch(`${srv.url}/v1/sessions/${body.sessionId}`, { method: 'DELETE', headers: auth() })).status, 204);
    assert.equal((await fetch(`${srv.url}/v1/sessions/${body.sessionId}/result`, { headers: auth() })).status, 404);
  });

  test('unknown routes are JSON 404s', async () => {
    for (const path of ['/v1/nope', '/nope']) {
      const res = await fetch(`${srv.url}${path}`, { headers: auth() });
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
    }
  });

  test('health and readiness answer once models are loaded', async () => {
    assert.deepEqual(await (await fetch(`${srv.url}/healthz`)).json(), { status: 'ok' });
    assert.deepEqual(await (await fetch(`${srv.url}/readyz`)).json(), { status: 'ready' });
  });
});

describe('trusted image', () => {
  for (const file of ['obama-1080p.jpg', 'obama2.jp2', 'lin-manuel-miranda.j2k']) {
    test(`${file} is accepted with its quality`, async () => {
      const { status, body } = await upload(readFileSync(face(file)));
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.accepted, true);
      assert.ok(body.quality!.eyeDistancePx! >= 85);
    });
  }

  test('the declared content type does not decide the format', async () => {
    const { status } = await upload(readFileSync(face('obama2.jp2')), 'image/png');
    assert.equal(status, 200);
  });

  test('a JSON body with base64 works too', async () => {
    const { body: session } = await createSession();
    const res = await fetch(`${srv.url}/v1/sessions/${session.sessionId}/trusted-image`, {
      method: 'PUT',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ image: readFileSync(face('obama-1080p.jpg')).toString('base64') }),
    });
    assert.equal(res.status, 200);
  });

  for (const [file, expected] of [['obama-720p.jpg', 71], ['obama-720p.jp2', 71], ['obama-240p.jpg', 24], ['obama-240p.jp2', 24]] as const) {
    test(`${file} is rejected for eye distance with the measured value`, async () => {
      const { status, body } = await upload(readFileSync(face(file)));
      assert.equal(status, 422);
      assert.equal(body.accepted, false);
      const eye = body.errors!.find((e) => e.code === 'EYE_DISTANCE_TOO_SMALL');
      assert.ok(eye, JSON.stringify(body));
      assert.ok(Math.abs(eye.measured! - expected) < 4, `measured ${eye.measured}`);
      assert.equal(eye.limit, 85);
    });
  }

  for (const file of ['two_people.jpg', 'bbt1.jpg']) {
    test(`${file} is rejected for several faces`, async () => {
      const { status, body } = await upload(readFileSync(face(file)));
      assert.equal(status, 422);
      const multi = body.errors!.find((e) => e.code === 'MULTIPLE_FACES');
      assert.ok(multi && multi.measured! >= 2, JSON.stringify(body));
    });
  }

  test('white.png is rejected for no face', async () => {
    const { status, body } = await upload(readFileSync(face('white.png')));
    assert.equal(status, 422);
    assert.deepEqual(codes(body), ['NO_FACE']);
  });

  test('a file over 2 MiB is a 413', async () => {
    const { status, body } = await upload(Buffer.concat([readFileSync(face('obama-1080p.jpg')), Buffer.alloc(2 * 1024 * 1024)]));
    assert.equal(status, 413);
    assert.equal(body.error!.code, 'IMAGE_TOO_LARGE');
  });

  for (const [name, bytes] of [['GIF', GIF], ['SVG', SVG], ['text', TEXT]] as const) {
    test(`${name} is a 415`, async () => {
      const { status, body } = await upload(bytes, 'image/png');
      assert.equal(status, 415);
      assert.equal(body.error!.code, 'UNSUPPORTED_FORMAT');
    });
  }

  const hostile = [
    { name: 'truncated JPEG', bytes: truncated('obama-1080p.jpg', 0.4) },
    { name: 'truncated PNG', bytes: truncated('lin-manuel-miranda.png', 0.4) },
    { name: 'truncated JP2', bytes: truncated('obama2.jp2', 0.4) },
    { name: 'truncated J2K header', bytes: truncated('lin-manuel-miranda.j2k', 0.0005) },
    { name: 'PNG claiming 60000x60000', bytes: pngClaiming(60000, 60000), code: 'IMAGE_DIMENSIONS_TOO_LARGE' },
    { name: 'JP2 claiming 12000x12000', bytes: jp2Claiming(12000, 12000), code: 'IMAGE_DIMENSIONS_TOO_LARGE' },
    ...randomBehindMagic(),
  ];
  test('hostile images are all rejected with a code within a second while /healthz answers', async () => {
    let healthChecks = 0;
    let stop = false;
    const health = (async () => {
      while (!stop) {
        const started = performance.now();
        const res = await fetch(`${srv.url}/healthz`);
        assert.equal(res.status, 200);
        assert.ok(performance.now() - started < 500, 'healthz stalled');
        healthChecks++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      for (const { name, bytes, code } of hostile as { name: string; bytes: Buffer; code?: string }[]) {
        const started = performance.now();
        const { status, body } = await upload(bytes);
        const elapsed = performance.now() - started;
        assert.ok(status === 422 || status === 413 || status === 415, `${name}: status ${status}`);
        const got = body.error?.code ?? body.errors?.[0]?.code;
        assert.ok(got, `${name}: no code in ${JSON.stringify(body)}`);
        if (code) assert.equal(got, code, name);
        assert.ok(elapsed < 1000, `${name} took ${elapsed.toFixed(0)} ms`);
      }
    } finally {
      stop = true;
      await health;
    }
    assert.ok(healthChecks > 0);
  });
});

describe('face match', () => {
  const match = async (a: string, b: string) => {
    const res = await fetch(`${srv.url}/v1/face-match`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ imageA: readFileSync(face(a)).toString('base64'), imageB: readFileSync(face(b)).toString('base64') }),
    });
    return { status: res.status, body: (await res.json()) as { similarity: number; match: boolean; threshold: number; error?: { code: string } } };
  };

  test('obama.jpg and obama2.jpg match', async () => {
    const { status, body } = await match('obama.jpg', 'obama2.jpg');
    assert.equal(status, 200);
    assert.equal(body.match, true);
    assert.ok(body.similarity >= body.threshold);
  });

  test('obama.jpg and biden.jpg do not match', async () => {
    const { body } = await match('obama.jpg', 'biden.jpg');
    assert.equal(body.match, false);
    assert.ok(body.similarity < body.threshold);
  });

  test('an image without a face is a 422 NO_FACE naming the image', async () => {
    const { status, body } = await match('obama.jpg', 'white.png');
    assert.equal(status, 422);
    assert.equal(body.error!.code, 'NO_FACE');
  });

  test('a bad image in face-match gets its intake code', async () => {
    const res = await fetch(`${srv.url}/v1/face-match`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ imageA: GIF.toString('base64'), imageB: readFileSync(face('obama.jpg')).toString('base64') }),
    });
    assert.equal(res.status, 415);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UNSUPPORTED_FORMAT');
  });
});
