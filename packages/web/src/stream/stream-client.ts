import {
  CameraSchema,
  HelloMessageSchema,
  ServerMessageSchema,
  encodeFrame,
  type Camera,
  type CameraMessage,
  type ChallengeMessage,
  type DisplayMessage,
  type FrameHeader,
  type HelloMessage,
  type ResultMessage,
} from '@facelight/protocol';
import { FacelightError, isFacelightError } from '../errors.js';
import { streamError } from './stream-error.js';

export interface StreamClientOptions {
  /** Called once, on the first failure at any point of the session. */
  onFailure(error: FacelightError): void;
  /** The WebSocket class; tests pass the `ws` package's. */
  WebSocket?: typeof WebSocket;
  /**
   * Resolves when the challenge may be used; a rejection (a FacelightError)
   * fails the session before the challenge reaches the scan, so nothing is
   * shown or sent under it. Given the message as received, unknown fields included.
   */
  checkChallenge?(challenge: ChallengeMessage): Promise<void>;
  challengeTimeoutMs?: number;
  resultTimeoutMs?: number;
}

/**
 * Seconds of frames (at the challenge's fps, each the size of the frame at
 * hand) that may wait in the socket; a new frame beyond that is dropped
 * rather than sent. On an uplink slower than the capture (30 fps of 640-px
 * JPEGs is ~10 Mbit/s) every frame sent would arrive ever later, until the
 * stream outlives its lifetime; dropped, the verifier gets fewer frames on
 * time. A shorter stall loses nothing: its backlog arrives late but whole,
 * within the verifier's burst allowance, as every lost frame weakens the
 * reflection check. Colour reports and `done` are never dropped.
 */
const MAX_QUEUED_SECONDS = 1;

/** `http(s)://host/base` → `ws(s)://host/base/v1/sessions/{id}/stream`. */
export function streamUrl(serverUrl: string, sessionId: string): string {
  return `${serverUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/v1/sessions/${encodeURIComponent(sessionId)}/stream`;
}

/**
 * The browser end of the verifier stream (DESIGN §3.2): hello → challenge →
 * frames → done → result. Any error, whenever it arrives, fails the whole
 * session through `onFailure`, since a half-streamed session cannot be resumed.
 */
export class StreamClient {
  readonly challenge: Promise<ChallengeMessage>;
  readonly result: Promise<ResultMessage>;
  private readonly socket: WebSocket;
  private settleChallenge!: { resolve(c: ChallengeMessage): void; reject(e: Error): void };
  private settleResult!: { resolve(r: ResultMessage): void; reject(e: Error): void };
  private failure: FacelightError | undefined;
  private finished = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private hello: HelloMessage;
  private helloSent = false;
  private challengeAccepted = false;
  private maxQueuedFrames = 0;
  /** A camera picked between the hello and the challenge, sent once the challenge is accepted. */
  private pendingCamera: Camera | undefined;

  constructor(
    url: string,
    hello: HelloMessage,
    private readonly options: StreamClientOptions,
  ) {
    this.challenge = new Promise((resolve, reject) => (this.settleChallenge = { resolve, reject }));
    this.result = new Promise((resolve, reject) => (this.settleResult = { resolve, reject }));
    // Callers may stop listening once the session failed; the failure is reported through onFailure.
    this.challenge.catch(() => undefined);
    this.result.catch(() => undefined);

    this.hello = HelloMessageSchema.parse(hello);
    const Socket = options.WebSocket ?? WebSocket;
    try {
      this.socket = new Socket(url);
    } catch (err) {
      throw new FacelightError('NETWORK_ERROR', `cannot open ${url}: ${(err as Error).message}`);
    }
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => {
      this.socket.send(JSON.stringify(this.hello));
      this.helloSent = true;
    };
    this.socket.onmessage = (event: MessageEvent) => this.receive(event.data);
    // The close event that always follows says what happened.
    this.socket.onerror = () => undefined;
    this.socket.onclose = (event: CloseEvent) => {
      if (!this.finished) this.fail(new FacelightError('NETWORK_ERROR', `connection closed (${event.code}) before the result`));
    };
    this.arm(options.challengeTimeoutMs ?? 15_000, 'no challenge from the verifier');
  }

  /** Sends the frame unless the uplink is behind (see MAX_QUEUED_SECONDS); the verifier accepts gaps in `seq`. */
  sendFrame(header: FrameHeader, jpeg: Uint8Array): void {
    if (this.isOpen() && this.socket.bufferedAmount <= this.maxQueuedFrames * jpeg.byteLength) this.socket.send(encodeFrame(header, jpeg));
  }

  /**
   * The user picked another camera before the capture: the verifier weighs
   * the camera that films the face, not the one the hello described.
   */
  changeCamera(camera: Camera): void {
    const parsed = CameraSchema.parse(camera);
    if (!this.helloSent) this.hello = { ...this.hello, camera: parsed };
    else if (!this.challengeAccepted) this.pendingCamera = parsed;
    else if (this.isOpen()) this.socket.send(JSON.stringify({ type: 'camera', camera: parsed } satisfies CameraMessage));
  }

  /** Colour `index` of a Dynamic challenge was first on screen at `t` (page clock). */
  sendDisplay(index: number, t: number): void {
    if (this.isOpen()) this.socket.send(JSON.stringify({ type: 'display', index, t } satisfies DisplayMessage));
  }

  /** Ends the capture; the verifier answers with the result. */
  sendDone(): void {
    if (!this.isOpen()) return;
    this.socket.send(JSON.stringify({ type: 'done' }));
    this.arm(this.options.resultTimeoutMs ?? 60_000, 'no result from the verifier');
  }

  close(): void {
    this.finished = true;
    clearTimeout(this.timer);
    if (this.socket.readyState <= 1) this.socket.close(1000);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return this.fail(new FacelightError('VERIFIER_ERROR', 'BAD_MESSAGE: unexpected binary message'));
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return this.fail(new FacelightError('VERIFIER_ERROR', 'BAD_MESSAGE: not JSON'));
    }
    const parsed = ServerMessageSchema.safeParse(json);
    if (!parsed.success) {
      return this.fail(new FacelightError('VERIFIER_ERROR', `BAD_MESSAGE: ${parsed.error.issues[0]?.message ?? 'invalid'}`));
    }
    const msg = parsed.data;
    if (msg.type === 'error') return this.fail(streamError(msg.code, msg.message));
    clearTimeout(this.timer);
    if (msg.type === 'challenge') {
      // It passed the schema, so it is a challenge; the check needs it with the fields the schema strips.
      void this.accept(msg, json as ChallengeMessage);
    } else {
      this.settleResult.resolve(msg);
      this.close();
    }
  }

  private async accept(challenge: ChallengeMessage, received: ChallengeMessage): Promise<void> {
    try {
      await this.options.checkChallenge?.(received);
    } catch (err) {
      return this.fail(isFacelightError(err) ? err : new FacelightError('CHALLENGE_SIGNATURE_INVALID', String(err)));
    }
    this.challengeAccepted = true;
    this.maxQueuedFrames = Math.ceil(challenge.capture.fps * MAX_QUEUED_SECONDS);
    if (this.pendingCamera) this.changeCamera(this.pendingCamera);
    this.settleChallenge.resolve(challenge);
  }

  private fail(error: FacelightError): void {
    if (this.failure || this.finished) return;
    this.failure = error;
    this.settleChallenge.reject(error);
    this.settleResult.reject(error);
    this.close();
    this.options.onFailure(error);
  }

  private arm(ms: number, why: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail(new FacelightError('NETWORK_ERROR', why)), ms);
  }

  private isOpen(): boolean {
    return !this.finished && this.socket.readyState === 1;
  }
}
