import { readFile } from 'node:fs/promises';
import { encodeFrame, type ChallengeMessage, type ServerMessage, type SessionResult } from '@facelight/protocol';
import sharp from 'sharp';
import { WebSocket } from 'ws';
import { face } from './data.js';
import { auth } from './server.js';

/** A verifier to talk to: the test server, or the CLI with its own API key. */
export interface Target {
  url: string;
  key?: string;
}

export interface TestFrame {
  jpeg: Buffer;
  width: number;
  height: number;
}

const cache = new Map<string, TestFrame[]>();

/**
 * `n` 640x480 camera-like JPEG frames of a shared photo: each a slightly
 * shifted crop with its own sensor noise, so no two frames are identical.
 * Portraits keep their top (where the face is); `whole` letterboxes the photo.
 */
export async function photoFrames(name: string, n = 15, fit: 'top' | 'whole' = 'top'): Promise<TestFrame[]> {
  const key = `${name}:${n}:${fit}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const base = await sharp(face(name))
    .rotate()
    .resize({ width: 680, height: 520, fit: fit === 'top' ? 'cover' : 'contain', position: 'north', background: '#808080' })
    .flatten({ background: '#fff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const frames: TestFrame[] = [];
  for (let i = 0; i < n; i++) {
    const { data, info } = await sharp(base.data, { raw: base.info })
      .extract({ left: (i * 7) % 40, top: (i * 3) % 40, width: 640, height: 480 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    for (let k = 0; k < data.length; k++) data[k] = Math.max(0, Math.min(255, data[k]! + Math.round((Math.random() - 0.5) * 12)));
    frames.push({ jpeg: await sharp(data, { raw: info }).jpeg({ quality: 85 }).toBuffer(), width: 640, height: 480 });
  }
  cache.set(key, frames);
  return frames;
}

/**
 * Capture time of frame `seq` at 15 fps, with the sub-millisecond jitter of a
 * real camera's clock (the verifier takes identical intervals for computed ones).
 */
export const captureTime = (seq: number) => seq * 66.7 + ((seq * 7919) % 11) / 20;

export const frameBytes = (f: TestFrame, seq: number, nonce: string, t = captureTime(seq)) =>
  encodeFrame({ type: 'frame', nonce, seq, t, w: f.width, h: f.height }, f.jpeg);

export function helloMessage(token: string) {
  return {
    type: 'hello',
    token,
    sdk: { version: '0.1.0' },
    camera: { label: 'Integrated Camera', width: 640, height: 480, frameRate: 30 },
    display: { width: 1280, height: 800, pixelRatio: 1 },
    signals: { webdriver: false },
  };
}

/** A real WebSocket client that queues what the verifier says. */
export class StreamClient {
  private readonly inbox: ServerMessage[] = [];
  private wake: (() => void) | undefined;
  readonly closed: Promise<{ code: number }>;
  readonly opened: Promise<void>;
  /** The challenge's nonce, once `hello` has got one; frames carry it. */
  nonce = '';

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.inbox.push(JSON.parse(String(data)) as ServerMessage);
      this.wake?.();
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve({ code })));
  }

  static async open(srv: Target, sessionId: string, path = `/v1/sessions/${sessionId}/stream`): Promise<StreamClient> {
    const client = new StreamClient(new WebSocket(srv.url.replace(/^http/, 'ws') + path));
    await client.opened;
    return client;
  }

  /** The next message from the verifier, or undefined if the connection closed first. */
  async next(timeoutMs = 15_000): Promise<ServerMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.ws.readyState === WebSocket.CLOSED) return undefined;
      const wait = deadline - Date.now();
      if (wait <= 0) throw new Error('no message from the verifier in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(wait, 50));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.inbox.shift();
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  sendBinary(bytes: Uint8Array): void {
    this.ws.send(bytes, { binary: true });
  }

  async hello(token: string): Promise<ChallengeMessage> {
    this.send(helloMessage(token));
    const reply = await this.next();
    if (reply?.type !== 'challenge') throw new Error(`expected a challenge, got ${JSON.stringify(reply)}`);
    this.nonce = reply.nonce;
    return reply;
  }

  /** Frames at the challenge's pace, as a browser sends them. */
  async sendFrames(frames: readonly TestFrame[], fps = 15, firstSeq = 0): Promise<void> {
    for (const [i, f] of frames.entries()) {
      this.sendBinary(this.frame(f, firstSeq + i));
      await new Promise((r) => setTimeout(r, 1000 / fps));
    }
  }

  /** A frame of this stream (with its nonce). */
  frame(f: TestFrame, seq: number, t = captureTime(seq)): Uint8Array {
    return frameBytes(f, seq, this.nonce, t);
  }

  /** Expects `{ type: "error", code }` and the close that follows it. */
  async expectError(code: string, closeCode = 1008): Promise<string> {
    const message = await this.next();
    assertMessage(message?.type === 'error' && message.code === code, `expected error ${code}, got ${JSON.stringify(message)}`);
    const closed = await this.closed;
    assertMessage(closed.code === closeCode, `expected close ${closeCode}, got ${closed.code}`);
    return message.type === 'error' ? message.message : '';
  }

  close(): void {
    this.ws.close();
  }
}

function assertMessage(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

export async function createSession(srv: Target, body: object = {}): Promise<{ sessionId: string; clientToken: string }> {
  const res = await fetch(`${srv.url}/v1/sessions`, {
    method: 'POST',
    headers: { ...auth(srv.key), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`session not created: ${res.status}`);
  return (await res.json()) as { sessionId: string; clientToken: string };
}

export async function uploadTrusted(srv: Target, sessionId: string, photo: string): Promise<void> {
  const res = await fetch(`${srv.url}/v1/sessions/${sessionId}/trusted-image`, {
    method: 'PUT',
    headers: auth(srv.key),
    body: await readFile(face(photo)),
  });
  if (res.status !== 200) throw new Error(`trusted image refused: ${res.status} ${await res.text()}`);
}

export async function getResult(srv: Target, sessionId: string): Promise<{ status: number; body: SessionResult }> {
  const res = await fetch(`${srv.url}/v1/sessions/${sessionId}/result`, { headers: auth(srv.key) });
  return { status: res.status, body: (await res.json()) as SessionResult };
}

/** Polls until the session has its result (the verifier stores it asynchronously after a disconnect). */
export async function waitForResult(srv: Target, sessionId: string, timeoutMs = 10_000): Promise<SessionResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await getResult(srv, sessionId);
    if (status === 200) return body;
    if (Date.now() > deadline) throw new Error(`no result after ${timeoutMs} ms (status ${status})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function healthy(srv: Target): Promise<boolean> {
  const res = await fetch(`${srv.url}/healthz`);
  return res.status === 200;
}
