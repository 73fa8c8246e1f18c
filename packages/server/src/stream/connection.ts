import { randomBytes } from 'node:crypto';
import {
  challengeSigningInput,
  ClientMessageSchema,
  FRAME_LIMITS,
  type Camera,
  type ChallengeMessage,
  type ClientMessage,
  type ColorStep,
  type DeviceSignals,
  type HelloMessage,
  type ResultReasonCode,
  type ServerMessage,
  type SessionResult,
  type StreamErrorCode,
} from '@facelight/protocol';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { AnalysisPool } from '../analysis/pool.js';
import type { StreamMetrics } from '../metrics/registry.js';
import { drawColorSequence } from '../challenge/colors.js';
import { dynamicSettings, expressSettings, type Config, type DynamicSettings } from '../config.js';
import { decideDynamic, type DynamicDecision } from '../decision/dynamic.js';
import { decideExpress } from '../decision/express.js';
import type { StreamClient } from '../security/client-address.js';
import { checkClientToken } from '../security/client-token.js';
import { originAllowed } from '../security/origin.js';
import type { SigningKey } from '../security/signing-key.js';
import { tokenMatches } from '../sessions/session.js';
import type { SessionStore } from '../sessions/store.js';
import { assessDevice, isChromiumFakeCamera, type DeviceFinding } from '../signals/device.js';
import { assessFrameTiming } from '../signals/frame-timing.js';
import { weighSignals, type SignalVerdict } from '../signals/weigh.js';
import { DisplayLog } from './displays.js';
import { DynamicPlan } from './dynamic-plan.js';
import { abortReason, closeCodeFor, StreamError, toStreamError } from './errors.js';
import { FrameIntake, type EvidenceFrame } from './frame-intake.js';

export interface StreamDeps {
  config: Config;
  store: SessionStore;
  pool: Pick<AnalysisPool, 'analyzeEncoded' | 'scoreLiveness'>;
  logger: Logger;
  metrics: StreamMetrics;
  signingKey: SigningKey;
  /** Stream openings per client address in the current minute (counted in the session store, so shared by processes). */
  openings?: { hit(ip: string): Promise<number> };
  now?: () => number;
}

/**
 * The largest hello the schema accepts, as a browser's JSON.stringify writes it
 * (every string at its longest, in control characters it escapes as six bytes
 * each), is 107,014 bytes; a real one is about 1 KB, and no other text message
 * comes near. Until the challenge it is also the limit of every message (see
 * allowFrames).
 */
export const MAX_TEXT_BYTES = 112 * 1024;

/** A user switches cameras a few times while aligning; more is a client re-arming the timers to hold the stream. */
const MAX_CAMERA_CHANGES = 8;
/**
 * Text messages in a burst, then per second: above the pace of a Dynamic
 * capture's colour reports (one per colour of at least 100 ms), far below wire
 * speed. The burst holds every report of the longest colour sequence (20) and
 * `done`: after a network stall they all arrive at once, behind the frames.
 */
const TEXT_BURST = 24;
const TEXT_PER_SECOND = 10;
/** A stream ends this long before its session expires, so that its failure is stored while the session still exists. */
const EXPIRY_MARGIN_MS = 1000;
/**
 * A stream says `done` before its lifetime ends and its decision takes at
 * most stream.decisionTimeoutMs; past both and this margin (room for hosts'
 * clocks to disagree), a session still streaming has lost its verifier (see
 * sessions/lost-stream.ts).
 */
const LOST_MARGIN_MS = 5000;

/**
 * Stream errors that count towards the lockout: only what a client that
 * follows the protocol never sends. A slow or stalling uplink can bring
 * RATE_LIMITED (a burst after a stall), DISPLAY_TIME_IMPLAUSIBLE (late colour
 * reports) or STREAM_TIMEOUT, and those stay retryable for the user; so do the
 * verifier's own failures. UNEXPECTED_MESSAGE is not counted either: the SDK
 * itself sends `done` before every colour was shown when alignment times out
 * or the camera stalls.
 */
const TAMPERING: readonly StreamErrorCode[] = [
  'BAD_FRAME', 'BAD_MESSAGE', 'NONCE_MISMATCH', 'FRAME_OUT_OF_ORDER', 'DISPLAY_OUT_OF_ORDER', 'FRAME_TOO_LARGE', 'TOO_MANY_FRAMES',
];

type State = 'hello' | 'authenticating' | 'capturing' | 'deciding' | 'ended';

/** What the connection holds once its hello has claimed the session (the token is then spent). */
interface Claim {
  nonce: string;
  mode: 'express' | 'dynamic';
  useCase?: string;
  apiKeyId: string;
  /** The hello's device signals, kept to re-assess a camera picked later. */
  signals: DeviceSignals;
  device: DeviceFinding[];
  trusted?: Float32Array;
  intake: FrameIntake;
  express?: Parameters<typeof decideExpress>[1];
  dynamic?: { colors: ColorStep[]; displays: DisplayLog; plan: DynamicPlan; decision: Parameters<typeof decideDynamic>[1] };
}

/** A verdict of either mode, as the connection stores and reports it. */
type Verdict = Pick<DynamicDecision, 'status' | 'reasons' | 'retry' | 'reflection' | 'outcome'> & { scores: { liveness: number; faceMatch?: number; reflection?: number } };

/** Frames allowed beyond the capture's expected count, so a camera running a little fast is not cut off. */
const FRAME_BUDGET_FACTOR = 1.5;

/**
 * One browser stream: hello → challenge → frames → done → result. Any other
 * path ends with `{ type: "error" }` and a close; once the session is claimed
 * it also stores a FAILURE result, so the integrator never waits on a session
 * that nobody will finish.
 */
export class StreamConnection {
  private state: State = 'hello';
  private timer: NodeJS.Timeout | undefined;
  private lifetime: NodeJS.Timeout | undefined;
  private claim: Claim | undefined;
  private cameraChanges = 0;
  private readonly texts: TokenBucket;
  /** Settles once the opening is allowed; the hello waits for it. */
  private readonly admission: Promise<void>;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(
    private readonly ws: WebSocket,
    private readonly sessionId: string,
    private readonly deps: StreamDeps,
    private readonly client: StreamClient,
  ) {
    this.now = deps.now ?? Date.now;
    this.log = deps.logger.child({ sessionId });
    this.texts = new TokenBucket(TEXT_BURST, TEXT_PER_SECOND, performance.now());
    this.arm(deps.config.stream.helloTimeoutMs, 'HELLO_TIMEOUT', 'no hello arrived in time');
    this.admission = this.admit();
    this.admission.catch((err: unknown) => this.fail(err));
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    // ws has already closed the socket with its own code (1009 payload too large, 1002/1007 malformed).
    ws.on('error', (err) => {
      this.log.info({ err: err.message }, 'stream broke the WebSocket protocol');
      const code = wsErrorCode(err);
      this.deps.metrics.streamRefused(code);
      void this.endClaim('PROTOCOL_VIOLATION', code);
    });
    ws.on('close', () => {
      // After `done` the decision still runs and is stored; the client just will not hear it.
      if (this.state !== 'deciding') void this.endClaim('CLIENT_DISCONNECTED');
    });
  }

  /**
   * The verifier is stopping: the client is told and the session fails as
   * retryable. Resolves once no frame of this stream is in an analysis worker:
   * terminating a worker in the middle of an onnxruntime run can abort the process.
   */
  async shutdown(): Promise<void> {
    await this.fail(new StreamError('SHUTTING_DOWN', 'the verifier is restarting; create a new session to retry'), 1012);
    await this.claim?.intake.settled();
  }

  /**
   * Every opening counts against the streams per address, whatever its hello
   * will be: an address cannot hold more sockets than that, each for up to
   * helloTimeoutMs, without ever presenting a token.
   */
  private async admit(): Promise<void> {
    const { client, deps } = this;
    if (!originAllowed(client.origin, client.self, deps.config.security.allowedOrigins)) {
      throw new StreamError('ORIGIN_NOT_ALLOWED', `pages at ${client.origin ?? '(none)'} may not open a stream: add the origin to security.allowedOrigins`);
    }
    const limit = deps.config.security.rateLimit.streamsPerIpPerMinute;
    // Like the REST limits, an unreachable store lets the opening through: the hello meets STORE_UNAVAILABLE anyway.
    const openings = deps.openings ? await deps.openings.hit(client.source).catch(() => 0) : 0;
    if (openings > limit) throw new StreamError('RATE_LIMITED', `more than ${limit} streams a minute from this address`);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'ended') return;
    // Binary type 'nodebuffer' (the default) delivers every message as one Buffer.
    const bytes = data as Buffer;
    try {
      if (isBinary) {
        this.keepAlive();
        return this.onFrame(bytes);
      }
      if (!this.texts.take(performance.now())) throw new StreamError('RATE_LIMITED', `text messages arrive faster than ${TEXT_PER_SECOND} a second`);
      const message = parseClientMessage(bytes);
      switch (message.type) {
        case 'hello':
          if (this.state !== 'hello') throw unexpected('hello', 'the stream has already started');
          this.authenticate(message).catch((err: unknown) => this.fail(err));
          return;
        case 'done':
          if (this.state !== 'capturing') throw unexpected('done', 'no capture is running');
          this.decide().catch((err: unknown) => this.fail(err));
          return;
        case 'camera': {
          if (this.state !== 'capturing' || !this.claim) throw unexpected('camera', 'no capture is waiting to start');
          if (this.claim.intake.count > 0 || (this.claim.dynamic?.displays.times.length ?? 0) > 0) throw unexpected('camera', 'the capture has started');
          // No network makes cameras change: stored as what it is, not as an unstable connection.
          if (++this.cameraChanges > MAX_CAMERA_CHANGES) throw new StreamError('RATE_LIMITED', `more than ${MAX_CAMERA_CHANGES} camera changes`, 'PROTOCOL_VIOLATION');
          // The signals are the hello's; only the camera in use changed.
          this.claim.device = this.deviceFindings(message.camera, this.claim.signals);
          return;
        }
        case 'display': {
          if (this.state !== 'capturing' || !this.claim) throw unexpected('display', 'no capture is running');
          const dynamic = this.claim.dynamic;
          if (!dynamic) throw unexpected('display', 'colours are only shown in Dynamic mode');
          this.keepAlive();
          dynamic.displays.accept(message.index, message.t, performance.now(), this.claim.intake.clock);
          return;
        }
        case 'error':
          // The browser gave up (camera lost, user cancelled): a retryable end, not a violation.
          this.log.info({ clientCode: message.code }, 'client ended the stream');
          this.ws.close(1000);
          void this.endClaim('CLIENT_DISCONNECTED');
          return;
      }
    } catch (err) {
      void this.fail(err);
    }
  }

  private onFrame(bytes: Buffer): void {
    if (this.state !== 'capturing' || !this.claim) {
      throw unexpected('binary frame', 'frames are accepted only between the challenge and done');
    }
    this.claim.intake.accept(bytes, performance.now());
  }

  private async authenticate(hello: HelloMessage): Promise<void> {
    const helloAt = this.now();
    this.state = 'authenticating';
    this.clearTimers();
    await this.admission;
    const { store, config, signingKey } = this.deps;
    // The signature first: a forged or misdirected token costs no store round trip.
    const token = checkClientToken(signingKey, hello.token, this.sessionId, this.now());
    if (!token.ok) throw new StreamError(token.code, token.message);
    const { lockout } = config.security;
    const locked = lockout.enabled ? await store.lockedFor(this.client.source) : 0;
    if (locked > 0) throw new StreamError('LOCKED_OUT', `too many failed scans from this address: try again in ${Math.ceil(locked / 60_000)} min`);
    const session = await store.get(this.sessionId);
    if (this.state !== 'authenticating') return;
    // The token is checked first, so that only its holder learns anything about the session.
    if (!session) throw new StreamError('SESSION_NOT_FOUND', 'no such session, or it has expired');
    if (!tokenMatches(hello.token, session.clientTokenHash)) throw new StreamError('INVALID_TOKEN', 'the client token does not open this session');
    if (session.state === 'streaming') throw new StreamError('TOKEN_REUSED', 'the client token was already used');
    if (session.state !== 'created') throw new StreamError('SESSION_CLOSED', 'the session is already complete');

    const nonce = randomBytes(16).toString('base64url');
    const dynamic = session.mode === 'dynamic' ? dynamicSettings(config, session.useCase) : undefined;
    // Drawn now, for this nonce only, and kept with it: the sequence exists nowhere before the claim.
    const colors = dynamic ? drawColorSequence(dynamic) : undefined;
    const express = dynamic ? undefined : expressSettings(config, session.useCase);
    const capture = dynamic && colors ? dynamicCapture(dynamic, colors) : express!.capture;
    const endsAt = this.lifetimeEnd(helloAt, capture.durationMs, session.expiresAt);
    // The one atomic step: of two connections with the same token, only one moves the session out of 'created'.
    const claimed = await store.update(this.sessionId, (s) =>
      s.state === 'created'
        ? { ...s, state: 'streaming', stream: { nonce, startedAt: this.now(), decidedBy: endsAt + config.stream.decisionTimeoutMs + LOST_MARGIN_MS, ...(colors ? { colors } : {}) } }
        : s,
    );
    if (!claimed) throw new StreamError('SESSION_NOT_FOUND', 'the session expired');
    if (claimed.stream?.nonce !== nonce) throw new StreamError('TOKEN_REUSED', 'the client token was already used');

    const trusted = claimed.trusted ? { trusted: Float32Array.from(claimed.trusted.embedding) } : {};
    const who = { apiKeyId: claimed.apiKeyId, ...(claimed.useCase === undefined ? {} : { useCase: claimed.useCase }), signals: hello.signals, device: this.deviceFindings(hello.camera, hello.signals) };
    let challenge: ChallengeMessage;
    if (dynamic && colors) {
      const displays = new DisplayLog(colors);
      const plan = new DynamicPlan(colors, displays, { heavyEvery: dynamic.heavyEvery, maxDelayMs: dynamic.decision.maxDelayMs });
      this.claim = {
        nonce,
        mode: 'dynamic',
        ...who,
        ...trusted,
        intake: this.intake(nonce, capture, plan),
        dynamic: { colors, displays, plan, decision: { ...dynamic.decision, faceMatchThreshold: config.faceMatchThreshold } },
      };
      challenge = { type: 'challenge', mode: 'dynamic', nonce, oval: dynamic.oval, capture, colors };
    } else {
      const settings = express!;
      this.claim = {
        nonce,
        mode: 'express',
        ...who,
        ...trusted,
        intake: this.intake(nonce, settings.capture),
        express: { ...settings.decision, faceMatchThreshold: config.faceMatchThreshold },
      };
      challenge = { type: 'challenge', mode: 'express', nonce, oval: settings.oval, capture: settings.capture };
    }
    // The client left while the session was being claimed.
    if (this.state !== 'authenticating') return this.storeFailure('CLIENT_DISCONNECTED');
    this.state = 'capturing';
    allowFrames(this.ws, config.stream.maxFrameBytes);
    this.send({ ...challenge, signature: signingKey.sign(challengeSigningInput(this.sessionId, challenge)) });
    this.arm(config.stream.alignTimeoutMs, 'IDLE_TIMEOUT', 'no frame arrived after the challenge');
    this.limitLifetime(endsAt);
    this.log.info({ useCase: claimed.useCase, mode: challenge.mode }, 'stream started');
  }

  /**
   * However busy its client keeps it (every frame and colour report re-arms the idle timer),
   * a stream ends once no scan can still be running in it, and before its
   * session expires.
   */
  private lifetimeEnd(helloAt: number, captureMs: number, sessionExpiresAt: number): number {
    const { alignTimeoutMs, lifetimeMarginMs } = this.deps.config.stream;
    return Math.min(helloAt + alignTimeoutMs + captureMs + lifetimeMarginMs, sessionExpiresAt - EXPIRY_MARGIN_MS);
  }

  private limitLifetime(endsAt: number): void {
    const timeout = new StreamError('STREAM_TIMEOUT', 'the stream stayed open longer than a scan can take');
    this.lifetime = setTimeout(() => void this.fail(timeout), Math.max(0, endsAt - this.now()));
  }

  /**
   * What the browser admits about its camera and itself. Under the test
   * configuration an automated browser with Chromium's fake camera (or a
   * canvas stream, which has no label) is what the e2e tests use, so those
   * findings are dropped there; every other one still counts.
   */
  private deviceFindings(camera: Camera, signals: DeviceSignals): DeviceFinding[] {
    const findings = assessDevice(camera.label, signals);
    if (!this.deps.config.security.allowTestCamera) return findings;
    const testCamera = camera.label === '' || isChromiumFakeCamera(camera.label);
    return findings.filter((f) => f.signal === 'tamperedApis' || (f.signal === 'virtualCamera' && !testCamera));
  }

  private intake(nonce: string, capture: { maxWidth: number; maxFrames: number; fps: number }, plan?: DynamicPlan): FrameIntake {
    const { maxWidth, maxFrames, fps } = capture;
    const limits = { maxFrameBytes: this.deps.config.stream.maxFrameBytes, maxWidth, maxFrames, fps, nonce };
    // Arrival times on the monotonic clock: a wall clock stepped back by NTP would make real frames look faster than real time.
    return new FrameIntake(limits, this.deps.pool, (err) => void this.fail(err), performance.now(), plan);
  }

  private async decide(): Promise<void> {
    const doneAt = performance.now();
    const claim = this.claim!;
    const dynamic = claim.dynamic;
    if (dynamic) {
      if (!dynamic.displays.complete) throw unexpected('done', `only ${dynamic.displays.times.length} of ${dynamic.colors.length} colours were reported`);
      const clock = claim.intake.clock;
      if (clock) dynamic.displays.checkAll(clock);
    }
    this.state = 'deciding';
    // From `done` on, only the verifier's own work is left, and it has its own deadline.
    this.clearTimers();
    this.arm(this.deps.config.stream.decisionTimeoutMs, 'VERIFIER_BUSY', 'the decision took longer than allowed; create a new session to retry');
    await claim.intake.settled();
    if (this.state !== 'deciding') return; // a frame failed meanwhile
    const { intake } = claim;
    const liveness = await intake.liveness();
    if (this.state !== 'deciding') return;
    const trusted = claim.trusted ? { trusted: claim.trusted } : {};
    const decision: Verdict = dynamic
      ? decideDynamic(
          { samples: intake.samples, observations: intake.observations, colors: dynamic.colors, displayTimes: dynamic.displays.times, liveness, ...trusted },
          dynamic.decision,
        )
      : decideExpress({ observations: intake.observations, liveness, ...trusted }, claim.express!);
    const signals = weighSignals([...claim.device, ...assessFrameTiming(intake.arrivals, intake.openedAt)], this.deps.config.security.signals);
    if (signals.failed) withSignals(decision, signals);
    // Dynamic evidence shows the face as the room lit it, never under a colour.
    const evidence = dynamic ? intake.evidenceWhere((t) => !dynamic.plan.lit(t)) : intake.evidence;
    const stored = await this.store(this.result(decision, evidence), 'completed');
    // Most often the stream's own failure, stored first (the decision timed out); the verdict is worth a line.
    if (stored === 'superseded') this.log.warn({ discarded: { status: decision.status, reasons: decision.reasons } }, 'decision discarded: another outcome was stored first');
    const streaming = this.state === 'deciding';
    if (streaming && stored === 'gone') throw new StreamError('SESSION_NOT_FOUND', 'the session expired or was deleted before its result was stored');
    if (streaming && stored === 'superseded') throw new StreamError('SESSION_CLOSED', 'another outcome of this session was stored first');
    // Once stored, the decision stands even if the stream failed while it was written: it is counted and audited all the same.
    if (stored !== 'stored') return;
    if (streaming) this.end();
    this.deps.metrics.sessionEnded(claim.mode, decision.status, decision.reasons, (performance.now() - doneAt) / 1000);
    this.audit(decision, 'session decided', signals.weight);
    if (decision.status === 'FAILURE' && !decision.retry) await this.countFailure();
    if (!streaming) return;
    // Status and a retry hint only: scores and reasons are for the integrator's backend.
    this.send({ type: 'result', status: decision.status, ...(decision.retry ? { retry: { code: decision.retry } } : {}) });
    this.ws.close(1000);
  }

  /**
   * One audit entry per claimed session, decided or failed: who, what was
   * decided and why — for Dynamic the reflection check's measurements, so a
   * FLAT_SURFACE or a weak reflection can be explained afterwards; never
   * images or tokens.
   */
  private audit(decision: Omit<Verdict, 'retry' | 'reasons'> & { reasons: (ResultReasonCode | StreamErrorCode)[] }, message: 'session decided' | 'session failed', signalWeight?: number): void {
    const claim = this.claim!;
    this.log.info(
      {
        audit: {
          sessionId: this.sessionId,
          apiKeyId: claim.apiKeyId,
          useCase: claim.useCase,
          mode: claim.mode,
          status: decision.status,
          reasons: decision.reasons,
          scores: decision.scores,
          signalWeight,
          frames: claim.intake.count,
          delayMs: decision.reflection?.delayMs,
          ...(decision.outcome?.metrics ? { reflection: { checks: rounded(decision.outcome.checks), metrics: rounded(decision.outcome.metrics) } } : {}),
          client: this.client.ip,
        },
      },
      message,
    );
  }

  /** A failure the user cannot fix by trying again counts towards locking this address out. */
  private async countFailure(): Promise<void> {
    const { lockout } = this.deps.config.security;
    if (!lockout.enabled) return;
    try {
      const failures = await this.deps.store.recordFailure(this.client.source, lockout.windowSeconds * 1000);
      if (failures >= lockout.failures) {
        await this.deps.store.lock(this.client.source, lockout.lockSeconds * 1000);
        this.log.warn({ audit: { lockedOut: this.client.source, failures, lockSeconds: lockout.lockSeconds } }, 'client address locked out');
      }
    } catch (err) {
      this.log.error({ err }, 'cannot count the failed session');
    }
  }

  private async fail(err: unknown, closeCode?: number): Promise<void> {
    if (this.state === 'ended') return;
    const error = err instanceof StreamError ? err : toStreamError(err);
    if (error === err) this.log.info({ code: error.code }, 'stream refused');
    else if (error.code === 'STORE_UNAVAILABLE') this.log.warn({ err: (err as Error).message }, 'stream failed: session store unreachable');
    else this.log.error({ err }, 'stream failed');
    this.send({ type: 'error', code: error.code, message: error.message });
    this.deps.metrics.streamRefused(error.code);
    this.ws.close(closeCode ?? closeCodeFor(error.code));
    await this.endClaim(error.reason ?? abortReason(error.code), error.code);
  }

  /** Ends the connection; a claimed session fails with `reason`, caused by the stream error `code` if any. */
  private async endClaim(reason: ResultReasonCode, code?: StreamErrorCode): Promise<void> {
    if (this.state === 'ended') return;
    // A close during authentication is settled by authenticate() itself once its claim resolves.
    this.end();
    if (this.claim) await this.storeFailure(reason, code);
  }

  private end(): void {
    this.state = 'ended';
    this.clearTimers();
    this.claim?.intake.close();
  }

  /**
   * The audit entry names the stream error, which says more than the stored
   * reason. A protocol violation counts towards the lockout like a failed
   * decision, or breaking the protocol on purpose would be a free way to probe
   * the verifier; a client that leaves or goes silent (CLIENT_DISCONNECTED)
   * does not, as a user's network drops too.
   */
  private async storeFailure(reason: ResultReasonCode, code?: StreamErrorCode): Promise<void> {
    const claim = this.claim!;
    const stored = await this.store(this.result({ status: 'FAILURE', reasons: [reason], scores: { liveness: 0 } }, claim.intake.evidence), 'failed').catch(
      (err: unknown) => void this.log.error({ err }, 'cannot store the failed session'),
    );
    // A decision stored first stands, and was counted and audited as such.
    if (stored !== 'stored') return;
    this.deps.metrics.sessionEnded(claim.mode, 'FAILURE', [reason]);
    this.audit({ status: 'FAILURE', reasons: [code ?? reason], scores: { liveness: 0 } }, 'session failed');
    const brokeProtocol = reason === 'PROTOCOL_VIOLATION' && (code === undefined || TAMPERING.includes(code));
    if (brokeProtocol) await this.countFailure();
  }

  /**
   * Stores the result unless another outcome got there first ('superseded');
   * 'gone' when the session expired or was deleted.
   */
  private async store(result: SessionResult, state: 'completed' | 'failed'): Promise<'stored' | 'superseded' | 'gone'> {
    const nonce = this.claim!.nonce;
    // The result is kept for the retention time from now, then erased with the session.
    const expiresAt = this.now() + this.deps.config.retentionSeconds * 1000;
    // Set by the last run of the change: a shared store may run it again after a lost race.
    let ours = false;
    const stored = await this.deps.store.update(this.sessionId, (s) => {
      ours = s.state === 'streaming' && s.stream?.nonce === nonce;
      return ours ? { ...s, state, result, expiresAt } : s;
    });
    if (stored === undefined) return 'gone';
    return ours ? 'stored' : 'superseded';
  }

  private result({ status, reasons, scores, reflection }: Omit<Verdict, 'retry'>, evidence: EvidenceFrame | undefined): SessionResult {
    return {
      sessionId: this.sessionId,
      status,
      mode: this.claim?.dynamic ? 'dynamic' : 'express',
      reasons,
      scores: {
        liveness: round(scores.liveness),
        ...(scores.faceMatch === undefined ? {} : { faceMatch: round(scores.faceMatch) }),
        ...(scores.reflection === undefined ? {} : { reflection: round(scores.reflection) }),
      },
      ...(reflection ? { reflection } : {}),
      // Empty only when the stream ended before any frame was analysed.
      evidence: evidence
        ? { frame: evidence.jpeg.toString('base64'), seq: evidence.seq, width: evidence.width, height: evidence.height }
        : { frame: '' },
      completedAt: new Date(this.now()).toISOString(),
    };
  }

  private send(message: ServerMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  /**
   * Frames and colour reports keep a capture alive; a camera change does not,
   * or switching cameras while aligning would cut the alignment time to the
   * idle timeout.
   */
  private keepAlive(): void {
    if (this.state === 'capturing') this.arm(this.deps.config.stream.idleTimeoutMs, 'IDLE_TIMEOUT', 'the client went silent');
  }

  private arm(ms: number, code: StreamErrorCode, message: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fail(new StreamError(code, message)), ms);
  }

  private clearTimers(): void {
    clearTimeout(this.timer);
    clearTimeout(this.lifetime);
  }
}

/**
 * From the challenge on, frames may come: up to twice the frame limit the
 * client gets a coded FRAME_TOO_LARGE; beyond that ws cuts the connection
 * (1009) before buffering the message whole. ws takes one limit per server
 * (attach.ts sets MAX_TEXT_BYTES), so a connection's own is its receiver's
 * `_maxPayload`: ws internals since ws 3, not in its types. Should they change,
 * every stream fails here (test/stream-abuse.test.ts) rather than any
 * connection getting a larger limit unnoticed.
 */
function allowFrames(ws: WebSocket, maxFrameBytes: number): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: unknown } })._receiver;
  if (typeof receiver?._maxPayload !== 'number') throw new Error("ws keeps no per-connection payload limit: cannot allow this stream's frames");
  receiver._maxPayload = 2 * (maxFrameBytes + FRAME_LIMITS.maxHeaderBytes);
}

/** `burst` takes at once, then `perSecond`. */
class TokenBucket {
  private tokens: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private refilledAt: number,
  ) {
    this.tokens = burst;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.perSecond) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Text messages are validated here, once; everything past this point trusts their shape. */
function parseClientMessage(bytes: Buffer): ClientMessage {
  if (bytes.length > MAX_TEXT_BYTES) throw new StreamError('BAD_MESSAGE', `text messages are limited to ${MAX_TEXT_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new StreamError('BAD_MESSAGE', 'the message is not JSON');
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StreamError('BAD_MESSAGE', `invalid message${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`);
  }
  return parsed.data;
}

/**
 * A Dynamic challenge's capture: frames from the start of the warm-up through
 * the colours and the tail, with a frame budget half again the expected count.
 */
function dynamicCapture(s: DynamicSettings, colors: readonly ColorStep[]): Required<ChallengeMessage['capture']> {
  const durationMs = s.warmupMs + colors.reduce((a, c) => a + c.ms, 0) + s.tailMs;
  const maxFrames = Math.ceil((s.capture.fps * durationMs * FRAME_BUDGET_FACTOR) / 1000);
  return { ...s.capture, durationMs, maxFrames, warmupMs: s.warmupMs, tailMs: s.tailMs };
}

/** Device and timing signals that add up to a failure join the decision's reasons, first: they are why the rest cannot be trusted. */
function withSignals(decision: Verdict, signals: SignalVerdict): void {
  decision.status = 'FAILURE';
  decision.reasons = [...signals.reasons, ...decision.reasons.filter((r) => !signals.reasons.includes(r))];
  delete decision.retry;
}

/**
 * The stream code a WebSocket protocol error stands for, for the metrics and
 * the audit entry (the client only hears ws's close code): a message over the
 * size limit is FRAME_TOO_LARGE, anything else malformed BAD_MESSAGE.
 */
const wsErrorCode = (err: Error): StreamErrorCode =>
  (err as Error & { code?: string }).code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'FRAME_TOO_LARGE' : 'BAD_MESSAGE';

const unexpected = (what: string, why: string) => new StreamError('UNEXPECTED_MESSAGE', `unexpected ${what}: ${why}`);

const round = (v: number) => Number(v.toFixed(4));

/** Numbers anywhere in a plain object rounded like the scores, for a log line that stays short. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? round(v) : v))) as T;
}
