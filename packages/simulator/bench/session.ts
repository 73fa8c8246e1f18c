/**
 * One simulated Dynamic session against a real verifier, over the real
 * contract: REST to create it, the WebSocket stream for hello → challenge →
 * display events and binary frames at real-time pace → done → result, then
 * the integrator's view of the result over REST.
 */
import { encodeFrame, type ChallengeMessage, type ServerMessage, type SessionResult } from '@facelight/protocol';
import { createRng, planSession, type Presentation, type Rgb, type SceneInput } from '@facelight/simulator';
import { WebSocket } from 'ws';
import type { RenderPool } from './render-pool.js';

export interface Target {
  url: string;
  key: string;
}

export interface SessionSpec {
  presentation: Presentation;
  seed: number;
  portrait: string;
  scene: SceneInput;
}

export interface SessionOutcome {
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
  delayMs?: number;
  /** Per colour: emitted rgb and the face's response (linear levels), from the result. */
  responses?: { rgb: number[]; face: number[] }[];
  frames: number;
  colors: number;
  /** The session could not run to a result (stream error, timeout): neither a pass nor a fail. */
  error?: string;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** After a colour's rAF the SDK reports it at once; a frame leaves after its JPEG encode. */
const DISPLAY_SEND_MS = 2;
const FRAME_SEND_MS = 14;

class Inbox {
  private readonly messages: ServerMessage[] = [];
  private wake: (() => void) | undefined;
  closed = false;
  constructor(ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.messages.push(JSON.parse(String(data)) as ServerMessage);
      this.wake?.();
    });
    ws.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }
  async next(timeoutMs: number): Promise<ServerMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0) {
      if (this.closed) return undefined;
      const wait = deadline - Date.now();
      if (wait <= 0) throw new Error('no message from the verifier in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(wait, 200));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.messages.shift();
  }
}

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

export async function runSession(target: Target, spec: SessionSpec, pool: RenderPool): Promise<SessionOutcome> {
  const outcome = blankOutcome(spec);
  const created = await fetch(`${target.url}/v1/sessions`, {
    method: 'POST',
    headers: { ...auth(target.key), 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'dynamic' }),
  });
  if (created.status !== 201) return { ...outcome, error: `session not created: ${created.status} ${await created.text()}` };
  const { sessionId, clientToken } = (await created.json()) as { sessionId: string; clientToken: string };

  const ws = new WebSocket(`${target.url.replace(/^http/, 'ws')}/v1/sessions/${sessionId}/stream`);
  const inbox = new Inbox(ws);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        token: clientToken,
        sdk: { version: '0.1.0' },
        camera: { label: 'Integrated Camera (04f2:b6dd)', width: 640, height: 480, frameRate: 30 },
        display: { width: 1440, height: 900, pixelRatio: 2 },
        signals: {},
      }),
    );
    const first = await inbox.next(15_000);
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
    plan.frames.forEach((t, seq) => {
      const jpeg = frames[seq]!;
      sends.push({ at: t + FRAME_SEND_MS, send: () => ws.send(encodeFrame({ type: 'frame', seq, t, w: width, h: height }, jpeg), { binary: true }) });
    });
    sends.push({ at: plan.doneT + FRAME_SEND_MS + 1, send: () => ws.send(JSON.stringify({ type: 'done' })) });
    sends.sort((a, b) => a.at - b.at);
    // Page time t happens at wall time origin + (t - plan.startT).
    const origin = performance.now() + 20 - plan.startT;
    for (const s of sends) {
      await sleep(origin + s.at - performance.now());
      if (inbox.closed) break;
      s.send();
    }
    outcome.frames = plan.frames.length;
    const reply = await inbox.next(120_000);
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
