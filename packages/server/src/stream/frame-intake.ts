import { createHash } from 'node:crypto';
import { decodeFrame, FrameCodecError, type Frame, type FrameHeader } from '@facelight/protocol';
import { knownFaceOf, STREAM_NEEDS, type AnalysisNeeds, type ImageAnalysis, type KnownFace } from '../analysis/analyze-face.js';
import { UndecodableImageError, type AnalysisPool } from '../analysis/pool.js';
import type { FrameSample } from '../decision/dynamic.js';
import { frameQuality } from '../decision/evidence.js';
import type { FrameObservation } from '../decision/express.js';
import type { FrameArrival } from '../signals/frame-timing.js';
import type { FrameClock } from './displays.js';
import { readDimensions } from '../image/header.js';
import { StreamError } from './errors.js';
import { PassiveLiveness } from './passive-liveness.js';

export interface FrameLimits {
  /** Bytes of one binary message, header included. */
  maxFrameBytes: number;
  /** From the challenge: frames wider than this are refused. */
  maxWidth: number;
  maxFrames: number;
  /** The challenge's frame rate, which the rate limit is relative to. */
  fps: number;
  /** The challenge's nonce, which every frame must carry. */
  nonce: string;
}

/** One of the best face frames so far, kept as sent: the best one allowed becomes the session's evidence. */
export interface EvidenceFrame {
  jpeg: Buffer;
  seq: number;
  t: number;
  width: number;
  height: number;
  quality: number;
}

/** What to compute for each frame, and which frames may stand as evidence. */
export interface FramePlan {
  /** `index` counts accepted frames from 0. */
  needs(header: FrameHeader, index: number): AnalysisNeeds;
  /**
   * Whether the face at `t` was lit by the room alone, as far as is known
   * once the frame is analysed: only such frames feed the passive anti-spoof
   * score and may stand as evidence (the final choice may narrow it further,
   * see `evidenceWhere`).
   */
  roomLit(t: number): boolean;
  /**
   * Whether the frame takes its face from the last frame that ran the
   * detector instead of finding it again (never for a frame whose needs
   * include the embedding, and never before a first detection).
   */
  tracks(index: number): boolean;
}

/** Express: every frame in full, under the room's light. */
export const FULL_PLAN: FramePlan = { needs: () => STREAM_NEEDS, roomLit: () => true, tracks: () => false };

/** Evidence candidates kept: enough that a later, stricter choice still finds one, without holding many JPEGs. */
const EVIDENCE_CANDIDATES = 3;

/**
 * Frames analysed at once per connection: two keep up with 15 fps on the
 * 2-core reference machine (~120 ms a frame), while one session can neither
 * fill the shared pool's queue nor have more than two frames decoded at once.
 */
const MAX_IN_FLIGHT = 2;
/** Portrait frames (a phone held upright, 9:16) may be taller than maxWidth, up to this ratio. */
const MAX_HEIGHT_RATIO = 2;
/**
 * Frames may arrive up to this many times faster than the challenge's fps,
 * sustained, with a burst of BURST_SECONDS of frames on top: a network stall
 * releases frames all at once, the SDK's second of queued frames (see its
 * MAX_QUEUED_SECONDS) plus what the browser's and the operating system's
 * buffers held before the SDK could see them (in Chromium ~4–5 MB, about 3 s
 * of Dynamic frames). The challenge's maxFrames bounds a session's work whatever the burst.
 */
const RATE_FACTOR = 3;
const BURST_SECONDS = 4;

/**
 * Checks each binary frame as it arrives (cheap header checks first, so a bad
 * frame is refused at once) and analyses it in the background, so that most
 * of the work is done by the time the client says `done`.
 */
export class FrameIntake {
  /** Frames analysed in full, in the order the analyses finished, which the decisions do not depend on. */
  readonly observations: FrameObservation[] = [];
  /** Every frame analysed with `regions`, with its capture time. */
  readonly samples: FrameSample[] = [];
  /** Every accepted frame's capture time, arrival time and byte digest, for the timing signals. */
  readonly arrivals: FrameArrival[] = [];
  private readonly candidates: EvidenceFrame[] = [];
  private readonly passive: PassiveLiveness;
  private received = 0;
  private lastSeq = -1;
  private lastT = 0;
  private clockState: FrameClock | undefined;
  private tokens: number;
  private refilledAt: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly work: Promise<void>[] = [];
  /** The face of the last accepted frame that runs the detector, once analysed. */
  private lastFace: Promise<KnownFace | null> | undefined;
  private closed = false;

  constructor(
    private readonly limits: FrameLimits,
    private readonly pool: Pick<AnalysisPool, 'analyzeEncoded' | 'scoreLiveness'>,
    /** A frame that failed after `accept` returned: undecodable (StreamError) or the analysis itself. */
    private readonly onError: (err: unknown) => void,
    /** When the challenge was sent, on the clock `accept` is given: nothing can have been captured before. */
    readonly openedAt: number,
    private readonly plan: FramePlan = FULL_PLAN,
  ) {
    this.tokens = BURST_SECONDS * limits.fps;
    this.refilledAt = openedAt;
    this.passive = new PassiveLiveness(pool);
  }

  get count(): number {
    return this.received;
  }

  /** How the accepted frames' capture times relate to when they arrived; undefined before the first. */
  get clock(): FrameClock | undefined {
    return this.clockState;
  }

  /** The best frame allowed as evidence so far. */
  get evidence(): EvidenceFrame | undefined {
    return this.candidates[0];
  }

  /** The best frame allowed as evidence that also satisfies `allowed` (judged once the whole session is known). */
  evidenceWhere(allowed: (t: number) => boolean): EvidenceFrame | undefined {
    return this.candidates.find((c) => allowed(c.t));
  }

  /** Refuses a frame with a StreamError, or queues it for analysis. */
  accept(bytes: Uint8Array, now: number): void {
    const { maxFrameBytes, maxWidth, maxFrames, fps } = this.limits;
    if (bytes.length > maxFrameBytes) {
      throw new StreamError('FRAME_TOO_LARGE', `the frame is ${bytes.length} bytes; at most ${maxFrameBytes} are accepted`);
    }
    let frame: Frame;
    try {
      frame = decodeFrame(bytes, maxFrameBytes);
    } catch (err) {
      if (err instanceof FrameCodecError) throw new StreamError('BAD_FRAME', err.message);
      throw err;
    }
    const { seq, t, w, h } = frame.header;
    if (frame.header.nonce !== this.limits.nonce) throw new StreamError('NONCE_MISMATCH', `frame ${seq} carries another session's nonce`);
    if (w > maxWidth || h > maxWidth * MAX_HEIGHT_RATIO) {
      throw new StreamError('FRAME_TOO_LARGE', `frame ${seq} is ${w}x${h}; the challenge allows ${maxWidth} px wide and ${maxWidth * MAX_HEIGHT_RATIO} px high`);
    }
    let declared;
    try {
      declared = readDimensions(frame.jpeg, 'jpeg');
    } catch {
      throw new StreamError('BAD_FRAME', `frame ${seq} has no readable JPEG header`);
    }
    if (declared.width !== w || declared.height !== h) {
      throw new StreamError('BAD_FRAME', `frame ${seq}: the header says ${w}x${h} but the JPEG is ${declared.width}x${declared.height}`);
    }
    if (this.received >= maxFrames) throw new StreamError('TOO_MANY_FRAMES', `the challenge allows at most ${maxFrames} frames`);
    if (seq <= this.lastSeq) throw new StreamError('FRAME_OUT_OF_ORDER', `frame ${seq} follows frame ${this.lastSeq}`);
    if (t < this.lastT) throw new StreamError('FRAME_OUT_OF_ORDER', `frame ${seq} was captured before the previous frame`);
    this.tokens = Math.min(BURST_SECONDS * fps, this.tokens + ((now - this.refilledAt) * RATE_FACTOR * fps) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) throw new StreamError('RATE_LIMITED', `frames arrive faster than ${RATE_FACTOR * fps} per second`);
    this.tokens -= 1;
    const index = this.received++;
    const needs = this.plan.needs(frame.header, index);
    this.lastSeq = seq;
    this.lastT = t;
    this.arrivals.push({ t, receivedAt: now, digest: createHash('sha256').update(frame.jpeg).digest('base64url') });
    this.clockState = { minLagMs: Math.min(this.clockState?.minLagMs ?? Infinity, now - t), firstT: this.clockState?.firstT ?? t };
    // Taken now, in arrival order, so which frame a tracked one follows does not depend on timing.
    const face = needs.embedding !== false || !this.plan.tracks(index) ? undefined : this.lastFace;
    const analysed = this.inSlot(() => this.analyse(frame, needs, face));
    if (!face) this.lastFace = analysed.then((a) => (a ? knownFaceOf(a) : null), () => null);
    this.work.push(
      analysed.then(
        () => undefined,
        (err: unknown) => {
          if (!this.closed) this.onError(err);
        },
      ),
    );
  }

  /** Resolves once every accepted frame is analysed or has failed (failures go to onError). */
  async settled(): Promise<void> {
    await Promise.all(this.work);
  }

  /** The passive anti-spoof score over the room-lit frames with one face (see PassiveLiveness); 0 without any. Once, after `settled`. */
  async liveness(): Promise<number> {
    return (await this.passive.score()) ?? 0;
  }

  /** Frames still queued are dropped and late failures are no longer reported. */
  close(): void {
    this.closed = true;
  }

  private async analyse({ header, jpeg }: Frame, needs: AnalysisNeeds, face?: Promise<KnownFace | null>): Promise<ImageAnalysis | undefined> {
    const known = await face;
    if (this.closed) return undefined;
    let analysis;
    try {
      // Null: the frame it follows had no face, so it is only decoded and counted as faceless.
      analysis = await this.pool.analyzeEncoded(jpeg, header.w * header.h, needs, known);
    } catch (err) {
      if (err instanceof UndecodableImageError) throw new StreamError('BAD_FRAME', `frame ${header.seq} is not a decodable JPEG`);
      throw err;
    }
    if (this.closed) return undefined;
    if (needs.regions) {
      this.samples.push({ seq: header.seq, t: header.t, faceCount: analysis.faceCount, regions: analysis.face?.regions ?? null });
    }
    const roomLit = this.plan.roomLit(header.t);
    if (roomLit && analysis.faceCount === 1 && analysis.face?.livenessCrop) this.passive.add(analysis.face.livenessCrop);
    if (needs.embedding !== false) {
      const observation = observe(header.seq, analysis);
      this.observations.push(observation);
      if (roomLit) this.consider(jpeg, header, observation);
    }
    return analysis;
  }

  private consider(jpeg: Uint8Array, header: FrameHeader, observation: FrameObservation): void {
    const quality = frameQuality(observation);
    const worst = this.candidates[EVIDENCE_CANDIDATES - 1];
    if (worst && quality <= worst.quality) return;
    // A copy, so the evidence does not pin the whole socket buffer it arrived in.
    const candidate = { jpeg: Buffer.from(jpeg), seq: header.seq, t: header.t, width: observation.width, height: observation.height, quality };
    const at = this.candidates.findIndex((c) => quality > c.quality);
    this.candidates.splice(at < 0 ? this.candidates.length : at, 0, candidate);
    this.candidates.length = Math.min(this.candidates.length, EVIDENCE_CANDIDATES);
  }

  private async inSlot<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < MAX_IN_FLIGHT) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next frame so no newcomer can slip in between.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

function observe(seq: number, analysis: ImageAnalysis): FrameObservation {
  const { width, height, faceCount, face } = analysis;
  if (!face) return { seq, width, height, faceCount };
  const { quality, embedding } = face;
  if (!quality || !face.livenessCrop || !embedding) throw new Error('the frame analysis skipped a stage the decision needs');
  const { sharpness, yawDeg, pitchDeg, rollDeg } = quality;
  return {
    seq,
    width,
    height,
    faceCount,
    face: { embedding, detectionScore: face.detectionScore, sharpness, yawDeg, pitchDeg, rollDeg },
  };
}
