import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { challengeSigningInput, decodeFrame, type ChallengeMessage, type HelloMessage } from '@facelight/protocol';
import type { FacelightError } from '../errors.js';
import { assertChallengeSigned, importVerifierKey } from './challenge-signature.js';
import { StreamClient, streamUrl } from './stream-client.js';

const hello: HelloMessage = {
  type: 'hello',
  token: 'client-token',
  sdk: { version: '0.1.0' },
  camera: { label: 'Fake camera', width: 640, height: 480, frameRate: 30 },
  display: { width: 1280, height: 800, pixelRatio: 2 },
  signals: {
    webdriver: false,
    automation: [],
    cameraLabels: ['Fake camera', 'OBS Virtual Camera'],
    tamperedApis: ['getUserMedia'],
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
    hardwareConcurrency: 8,
  },
};
const challenge: ChallengeMessage = {
  type: 'challenge',
  mode: 'express',
  nonce: 'n0nce',
  oval: { cx: 0.5, cy: 0.5, w: 0.45, h: 0.7 },
  capture: { maxWidth: 480, jpegQuality: 0.8, fps: 15, durationMs: 1000 },
};
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 9, 9, 0xff, 0xd9]);

/** A stand-in verifier: `script` plays the server side of one connection. */
async function fakeVerifier(script: (socket: ServerSocket, url: string) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const paths: string[] = [];
  server.on('connection', (socket, req) => {
    paths.push(req.url ?? '');
    script(socket, req.url ?? '');
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, paths, close: () => new Promise((resolve) => server.close(resolve)) };
}

function connect(base: string, options: Partial<ConstructorParameters<typeof StreamClient>[2]> = {}) {
  const failures: FacelightError[] = [];
  const client = new StreamClient(streamUrl(base, 'sess-1'), hello, {
    onFailure: (err) => failures.push(err),
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    ...options,
  });
  return { client, failures };
}

test('stream URL: http → ws, https → wss, under the server base path', () => {
  assert.equal(streamUrl('http://127.0.0.1:8080', 'abc'), 'ws://127.0.0.1:8080/v1/sessions/abc/stream');
  assert.equal(streamUrl('https://id.example.com/facelight/', 'a b'), 'wss://id.example.com/facelight/v1/sessions/a%20b/stream');
});

test('hello → challenge → frames and display times → done → result', async () => {
  const received: unknown[] = [];
  const verifier = await fakeVerifier((socket) => {
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        received.push(decodeFrame(new Uint8Array(data as Buffer)).header);
        return;
      }
      const msg = JSON.parse(String(data));
      received.push(msg);
      if (msg.type === 'hello') socket.send(JSON.stringify(challenge));
      if (msg.type === 'done') socket.send(JSON.stringify({ type: 'result', status: 'FAILURE', retry: { code: 'TOO_FEW_FRAMES' } }));
    });
  });
  try {
    const { client, failures } = connect(verifier.base);
    assert.deepEqual(await client.challenge, challenge);
    client.sendFrame({ type: 'frame', nonce: challenge.nonce, seq: 0, t: 100.5, w: 480, h: 360 }, JPEG);
    client.sendDisplay(0, 150.25);
    client.sendFrame({ type: 'frame', nonce: challenge.nonce, seq: 1, t: 167.2, w: 480, h: 360 }, JPEG);
    client.sendDone();
    assert.deepEqual(await client.result, { type: 'result', status: 'FAILURE', retry: { code: 'TOO_FEW_FRAMES' } });
    assert.deepEqual(received, [
      hello,
      { type: 'frame', nonce: 'n0nce', seq: 0, t: 100.5, w: 480, h: 360 },
      { type: 'display', index: 0, t: 150.25 },
      { type: 'frame', nonce: 'n0nce', seq: 1, t: 167.2, w: 480, h: 360 },
      { type: 'done' },
    ]);
    assert.deepEqual(verifier.paths, ['/v1/sessions/sess-1/stream']);
    assert.deepEqual(failures, []);
  } finally {
    await verifier.close();
  }
});

test('a camera picked before the hello, before the challenge or after it reaches the verifier, each after the challenge only as a camera message', async () => {
  const obs = { label: 'OBS Virtual Camera', width: 1280, height: 720, frameRate: 30 };
  const usb = { label: 'USB Camera', width: 640, height: 480, frameRate: 30 };
  const received: { type: string; camera?: unknown }[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const verifier = await fakeVerifier((socket) => {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data));
      received.push(msg);
      // The challenge waits until the test has picked a camera in between.
      if (msg.type === 'hello') void held.then(() => socket.send(JSON.stringify(challenge)));
    });
  });
  try {
    const { client, failures } = connect(verifier.base);
    // Not yet open: the hello itself carries the new camera.
    client.changeCamera(obs);
    while (received.length === 0) await new Promise((r) => setTimeout(r, 5));
    // Hello sent, no challenge yet: held back until the challenge is accepted.
    client.changeCamera(usb);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(received.length, 1);
    release();
    await client.challenge;
    client.changeCamera(obs);
    client.sendDone();
    while (received.length < 4) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(received, [{ ...hello, camera: obs }, { type: 'camera', camera: usb }, { type: 'camera', camera: obs }, { type: 'done' }]);
    assert.throws(() => client.changeCamera({ ...usb, width: 0 }));
    assert.deepEqual(failures, []);
    client.close();
  } finally {
    await verifier.close();
  }
});

for (const [code, expected] of [
  ['TOKEN_REUSED', 'SESSION_EXPIRED'],
  ['SESSION_NOT_FOUND', 'SESSION_EXPIRED'],
  ['INVALID_TOKEN', 'SESSION_EXPIRED'],
  ['SESSION_CLOSED', 'SESSION_EXPIRED'],
  ['TOKEN_EXPIRED', 'SESSION_EXPIRED'],
  ['STREAM_TIMEOUT', 'SESSION_EXPIRED'],
  ['RATE_LIMITED', 'VERIFIER_ERROR'],
] as const) {
  test(`a stream error ${code} fails the session as ${expected}`, async () => {
    const verifier = await fakeVerifier((socket) =>
      socket.once('message', () => socket.send(JSON.stringify({ type: 'error', code, message: 'no' }))),
    );
    try {
      const { client, failures } = connect(verifier.base);
      await assert.rejects(client.challenge, (err: FacelightError) => err.code === expected && err.message.includes(code));
      await assert.rejects(client.result);
      assert.equal(failures.length, 1);
    } finally {
      await verifier.close();
    }
  });
}

test('an error after the challenge still reaches the page', async () => {
  const verifier = await fakeVerifier((socket) =>
    socket.once('message', () => {
      socket.send(JSON.stringify(challenge));
      setTimeout(() => socket.send(JSON.stringify({ type: 'error', code: 'IDLE_TIMEOUT', message: 'silent' })), 20);
    }),
  );
  try {
    const { client, failures } = connect(verifier.base);
    await client.challenge;
    await assert.rejects(client.result, { code: 'VERIFIER_ERROR' });
    assert.equal(failures[0]?.code, 'VERIFIER_ERROR');
  } finally {
    await verifier.close();
  }
});

test('an uplink that cannot keep up: frames are dropped while the socket is backed up, colour reports and done never', async () => {
  const seqs: number[] = [];
  const texts: string[] = [];
  const verifier = await fakeVerifier((socket) => {
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        seqs.push(decodeFrame(new Uint8Array(data as Buffer)).header.seq);
        // A stalled network: the verifier reads nothing more for a while.
        if (seqs.length === 1) {
          socket.pause();
          setTimeout(() => socket.resume(), 300);
        }
        return;
      }
      const msg = JSON.parse(String(data));
      texts.push(msg.type);
      if (msg.type === 'hello') socket.send(JSON.stringify(challenge));
      if (msg.type === 'done') socket.send(JSON.stringify({ type: 'result', status: 'SUCCESS' }));
    });
  });
  try {
    const { client, failures } = connect(verifier.base);
    await client.challenge;
    const jpeg = new Uint8Array(64 * 1024);
    jpeg.set(JPEG.subarray(0, 4));
    jpeg.set(JPEG.subarray(-2), jpeg.length - 2);
    const frame = (seq: number) => client.sendFrame({ type: 'frame', nonce: challenge.nonce, seq, t: seq * 33, w: 480, h: 360 }, jpeg);
    frame(0);
    while (seqs.length === 0) await new Promise((r) => setTimeout(r, 5));
    // 32 MB: far more than the socket buffers of a stalled loopback connection hold.
    for (let seq = 1; seq <= 500; seq++) {
      frame(seq);
      if (seq === 250) client.sendDisplay(0, seq * 33);
    }
    client.sendDone();
    assert.deepEqual(await client.result, { type: 'result', status: 'SUCCESS' });
    assert.deepEqual(texts, ['hello', 'display', 'done']);
    assert.ok(seqs.length > 1 && seqs.length < 400, `${seqs.length} of 501 frames sent`);
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, 'frames out of order');
    assert.deepEqual(failures, []);
  } finally {
    await verifier.close();
  }
});

test('a socket closed before the result is a NETWORK_ERROR', async () => {
  const verifier = await fakeVerifier((socket) => socket.once('message', () => socket.close(1011)));
  try {
    const { client } = connect(verifier.base);
    await assert.rejects(client.challenge, (err: FacelightError) => err.code === 'NETWORK_ERROR' && /1011/.test(err.message));
  } finally {
    await verifier.close();
  }
});

test('an unreachable verifier is a NETWORK_ERROR', async () => {
  const verifier = await fakeVerifier(() => undefined);
  await verifier.close();
  const { client } = connect(verifier.base);
  await assert.rejects(client.challenge, { code: 'NETWORK_ERROR' });
});

test('a challenge that does not match the contract is refused', async () => {
  const verifier = await fakeVerifier((socket) =>
    socket.once('message', () => socket.send(JSON.stringify({ ...challenge, oval: { cx: 2, cy: 0.5, w: 0.4, h: 0.6 } }))),
  );
  try {
    const { client } = connect(verifier.base);
    await assert.rejects(client.challenge, (err: FacelightError) => err.code === 'VERIFIER_ERROR' && /BAD_MESSAGE/.test(err.message));
  } finally {
    await verifier.close();
  }
});

test('a silent verifier times out', async () => {
  const verifier = await fakeVerifier(() => undefined);
  try {
    const { client } = connect(verifier.base, { challengeTimeoutMs: 50 });
    await assert.rejects(client.challenge, { code: 'NETWORK_ERROR', message: 'no challenge from the verifier' });
  } finally {
    await verifier.close();
  }
});

test('closing on purpose is not a failure', async () => {
  const verifier = await fakeVerifier((socket) => socket.once('message', () => socket.send(JSON.stringify(challenge))));
  try {
    const { client, failures } = connect(verifier.base);
    await client.challenge;
    client.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(failures, []);
  } finally {
    await verifier.close();
  }
});

describe('with the verifier key configured', async () => {
  const keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const key = await importVerifierKey(Buffer.from(await crypto.subtle.exportKey('raw', keys.publicKey)).toString('base64url'));
  const signed = async (sessionId: string, message: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const input = new TextEncoder().encode(challengeSigningInput(sessionId, message as ChallengeMessage));
    return { ...message, signature: Buffer.from(await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, input)).toString('base64url') };
  };
  const checked = (base: string) => connect(base, { checkChallenge: (received) => assertChallengeSigned('sess-1', received, key) });

  /** The verifier sends `message`; resolves with how the socket ended and whatever the client sent after the hello. */
  async function serve(message: unknown, run: (client: StreamClient, failures: FacelightError[]) => Promise<void>) {
    let closed: Promise<number> | undefined;
    const after: unknown[] = [];
    const verifier = await fakeVerifier((socket) => {
      closed = new Promise((resolve) => socket.once('close', resolve));
      socket.once('message', () => {
        socket.on('message', (data) => after.push(data));
        socket.send(JSON.stringify(message));
      });
    });
    try {
      const { client, failures } = checked(verifier.base);
      await run(client, failures);
      return { code: await closed, after };
    } finally {
      await verifier.close();
    }
  }

  test('a challenge signed for this session is handed over as parsed', async () => {
    const message = await signed('sess-1', { ...challenge, hint: 'a field this SDK does not know' });
    await serve(message, async (client, failures) => {
      const { hint: _hint, ...known } = message;
      assert.deepEqual(await client.challenge, known);
      assert.deepEqual(failures, []);
      client.close();
    });
  });

  for (const [what, tamper] of [
    ['unsigned', async () => challenge],
    ['tampered with (colours injected into an Express challenge)', async () => ({ ...(await signed('sess-1', challenge)), mode: 'dynamic', colors: [{ rgb: [0, 0, 255], ms: 300 }] })],
    ['signed for another session', () => signed('sess-2', challenge)],
  ] as const) {
    test(`a challenge ${what} fails the scan with CHALLENGE_SIGNATURE_INVALID and closes the socket before any frame`, async () => {
      const { code, after } = await serve(await tamper(), async (client, failures) => {
        await assert.rejects(client.challenge, { code: 'CHALLENGE_SIGNATURE_INVALID' });
        await assert.rejects(client.result, { code: 'CHALLENGE_SIGNATURE_INVALID' });
        assert.equal(failures.length, 1);
        client.sendFrame({ type: 'frame', nonce: challenge.nonce, seq: 0, t: 1, w: 480, h: 360 }, JPEG);
        client.sendDone();
      });
      assert.equal(code, 1000);
      assert.deepEqual(after, []);
    });
  }
});
