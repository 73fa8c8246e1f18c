/**
 * One simulated Dynamic session against a real verifier, over the real
 * contract: REST to create it, the WebSocket stream for hello → challenge →
 * display events and binary frames at real-time pace → done → result, then
 * the integrator's view of the result over REST.
 */
import { encodeFrame, type ChallengeMessage, type SessionResult } from '@facelight/protocol';
import { createRng, planSession, type Presentation, type Rgb, type SceneInput } from '@facelight/simulator';
import { WebSocket } from 'ws';
import { StreamClient, createSession, helloMessage } from '../../server/test/stream-support.js';
import type { RenderJob } from './render-worker.js';

/** Makes a session's frames once its challenge is known: the render pool, or a frame bank for load. */
export interface FrameRenderer {
  render(job: Omit<RenderJob, 'id'>): Promise<Uint8Array[]>;
}

export interface Target {
  url: string;
  key: string;
}

export interface SessionSpec {
  presentation: Presentation;
  seed: number;
  portrait: string;
  scene: SceneInput;
  /**
   * A network stall this long, starting at a random time within the colours:
   * the frames captured during it are not sent, as the SDK drops the frames
   * its backed-up socket cannot take.
   */
  stallMs?: number;
}

export interface SessionOutcome {
  sessionId?: string;
  presentation: Presentation;
  seed: number;
  portrait: string;
  gain: number;
  ambient: number;
  /** What the browser was told. */
  status?: 'SUCCESS' | 'FAILURE';
  retry?: string;
  /** What the integrator's backend reads. */
  reasons: string[];
  reflection?: number;
  /** The passive anti-spoof score (SPOOF_DETECTED below the configured threshold). */
  liveness?: number;
  delayMs?: number;
  /** Per colour: emitted rgb and the face's response (linear levels), from the result. */
  responses?: { rgb: number[]; face: number[] }[];
  /** The reflection check's per-check scores and measurements, from the verifier's audit log (only when the bench started the verifier). */
  audit?: { checks: Record<string, number>; metrics: Record<string, unknown> };
  frames: number;
  colors: number;
  /** From sending `done` to the verifier's reply, as the client saw it. */
  decisionMs?: number;
  /** The session could not run to a result (stream error, timeout): neither a pass nor a fail. */
  error?: string;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** After a colour's rAF the SDK reports it at once; a frame leaves after its JPEG encode. */
const DISPLAY_SEND_MS = 2;
const FRAME_SEND_MS = 14;

/** A session's outcome before anything is known of it. */
export function blankOutcome(spec: SessionSpec): SessionOutcome {
  return {
    presentation: spec.presentation,
    seed: spec.seed,
    portrait: spec.portrait,
    gain: spec.scene.reflectionGain ?? Number.NaN,
    ambient: spec.scene.ambient?.level ?? Number.NaN,
    reasons: [],
    frames: 0,
    colors: 0,
  };
}

export async function runSession(target: Target, spec: SessionSpec, pool: FrameRenderer): Promise<SessionOutcome> {
  const outcome = blankOutcome(spec);
  const { sessionId, clientToken } = await createSession(target, { mode: 'dynamic' });
  outcome.sessionId = sessionId;
  const client = await StreamClient.open(target, sessionId);
  const ws = client.ws;
  try {
    ws.send(JSON.stringify(helloMessage(clientToken)));
    const first = await client.next(15_000);
    if (first?.type !== 'challenge') return { ...outcome, error: `expected a challenge, got ${JSON.stringify(first)}` };
    const challenge: ChallengeMessage = first;
    const colors = challenge.colors ?? [];
    outcome.colors = colors.length;
    const rng = createRng(spec.seed).fork('plan');
    const plan = planSession(challenge, rng);
    const width = Math.min(640, challenge.capture.maxWidth);
    const height = Math.round((width * 3) / 4);
    const scene: SceneInput = { ...spec.scene, ...(spec.presentation === 'shuffled' ? { sequence: colors.map((c) => [...c.rgb] as Rgb) } : {}) };
    // The user aligns the face meanwhile; the frames are rendered before the capture starts.
    const frames = await pool.render({ portrait: spec.portrait, scene, plan, quality: challenge.capture.jpegQuality, width, height });

    type Send = { at: number; send(): void };
    const sends: Send[] = [];
    for (const d of plan.displays) {
      if (d.index >= 0) sends.push({ at: d.t + DISPLAY_SEND_MS, send: () => ws.send(JSON.stringify({ type: 'display', index: d.index, t: d.t })) });
    }
    const shown = plan.displays.filter((d) => d.index >= 0).map((d) => d.t);
    const stallAt = spec.stallMs ? createRng(spec.seed).fork('stall').uniform(shown[0]!, shown.at(-1)!) : 0;
    let sent = 0;
    plan.frames.forEach((t, seq) => {
      if (spec.stallMs && t >= stallAt && t < stallAt + spec.stallMs) return;
      sent++;
      const jpeg = frames[seq]!;
      sends.push({ at: t + FRAME_SEND_MS, send: () => ws.send(encodeFrame({ type: 'frame', nonce: challenge.nonce, seq, t, w: width, h: height }, jpeg), { binary: true }) });
    });
    sends.push({ at: plan.doneT + FRAME_SEND_MS + 1, send: () => ws.send(JSON.stringify({ type: 'done' })) });
    sends.sort((a, b) => a.at - b.at);
    // Page time t happens at wall time origin + (t - plan.startT).
    const origin = performance.now() + 20 - plan.startT;
    for (const s of sends) {
      await sleep(origin + s.at - performance.now());
      if (ws.readyState === WebSocket.CLOSED) break;
      s.send();
    }
    outcome.frames = sent;
    const doneAt = performance.now();
    const reply = await client.next(120_000);
    outcome.decisionMs = performance.now() - doneAt;
    if (reply?.type === 'result') {
      outcome.status = reply.status;
      if (reply.retry) outcome.retry = reply.retry.code;
    } else if (reply?.type === 'error') {
      outcome.error = `stream error ${reply.code}: ${reply.message}`;
    } else {
      outcome.error = 'the stream closed without a result';
    }
  } catch (err) {
    outcome.error = err instanceof Error ? err.message : String(err);
  } finally {
    ws.close();
  }

  // The integrator's view: reasons and scores.
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${target.url}/v1/sessions/${sessionId}/result`, { headers: auth(target.key) });
    if (res.status === 200) {
      const result = (await res.json()) as SessionResult;
      outcome.reasons = result.reasons;
      if (result.scores.reflection !== undefined) outcome.reflection = result.scores.reflection;
      outcome.liveness = result.scores.liveness;
      if (result.reflection) {
        outcome.delayMs = result.reflection.delayMs;
        outcome.responses = result.reflection.responses.map((r) => ({ rgb: r.rgb.map((v) => +v.toFixed(2)), face: r.face.map((v) => +v.toFixed(2)) }));
      }
      outcome.status ??= result.status;
      break;
    }
    await sleep(100);
  }
  return outcome;
}
