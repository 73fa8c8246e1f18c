import { z } from 'zod';
import { RESULT_REASON_CODES, STREAM_ERROR_CODES, codeList } from './codes.js';
import { ModeSchema, StatusSchema } from './rest.js';

const Finite = z.number().finite();
const NonNegative = Finite.nonnegative();
const Label = z.string().max(256);

/** Normalised video coordinates (0–1) of the oval the face must fill. */
export const OvalSchema = z.object({
  cx: Finite.min(0).max(1),
  cy: Finite.min(0).max(1),
  w: Finite.positive().max(1),
  h: Finite.positive().max(1),
});
export type Oval = z.infer<typeof OvalSchema>;

export const RgbSchema = z.tuple([
  z.number().int().min(0).max(255),
  z.number().int().min(0).max(255),
  z.number().int().min(0).max(255),
]);

export const ColorStepSchema = z.object({ rgb: RgbSchema, ms: z.number().int().positive().max(5000) });
export type ColorStep = z.infer<typeof ColorStepSchema>;

const Flag = z.boolean().optional();
const Short = z.string().max(256).optional();

/**
 * What the SDK observed about the browser and the camera, for the verifier
 * to weigh (it decides; the browser may lie, so each is a hint, never a pass).
 */
export const DeviceSignalsSchema = z.strictObject({
  /** navigator.webdriver. */
  webdriver: Flag,
  /** Automation traces found (e.g. "HeadlessChrome" in the user agent, driver globals), by name. */
  automation: z.array(z.string().max(64)).max(32).optional(),
  /** Labels of every video input the page can see (the selected one is in `camera.label`). */
  cameraLabels: z.array(Label).max(32).optional(),
  /** Browser functions that no longer look native (wrapped or replaced), by name, e.g. "getUserMedia". */
  tamperedApis: z.array(z.string().max(64)).max(32).optional(),
  /** WebGL's unmasked renderer string (software renderers: SwiftShader, llvmpipe). */
  webglRenderer: Short,
  userAgent: z.string().max(512).optional(),
  platform: Short,
  maxTouchPoints: z.number().int().min(0).max(1000).optional(),
  hardwareConcurrency: z.number().int().min(0).max(4096).optional(),
});
export type DeviceSignals = z.infer<typeof DeviceSignalsSchema>;

/** The camera whose frames the stream carries. */
export const CameraSchema = z.strictObject({
  label: Label,
  width: z.number().int().positive().max(16384),
  height: z.number().int().positive().max(16384),
  frameRate: NonNegative.max(1000),
});
export type Camera = z.infer<typeof CameraSchema>;

export const HelloMessageSchema = z.strictObject({
  type: z.literal('hello'),
  token: z.string().min(1).max(4096),
  sdk: z.strictObject({ version: z.string().max(64) }),
  camera: CameraSchema,
  display: z.strictObject({
    width: z.number().int().positive().max(65536),
    height: z.number().int().positive().max(65536),
    pixelRatio: Finite.positive().max(16),
  }),
  signals: DeviceSignalsSchema.default({}),
});
export type HelloMessage = z.infer<typeof HelloMessageSchema>;

/**
 * The user picked another camera after the hello, while aligning: it replaces
 * the hello's camera. Accepted after the challenge and before the first frame
 * or display event only; the capture itself never changes camera.
 */
export const CameraMessageSchema = z.strictObject({
  type: z.literal('camera'),
  camera: CameraSchema,
});
export type CameraMessage = z.infer<typeof CameraMessageSchema>;

export const DisplayMessageSchema = z.strictObject({
  type: z.literal('display'),
  index: z.number().int().nonnegative().max(1000),
  t: NonNegative,
});
export type DisplayMessage = z.infer<typeof DisplayMessageSchema>;

export const DoneMessageSchema = z.strictObject({ type: z.literal('done') });
export type DoneMessage = z.infer<typeof DoneMessageSchema>;

export const StreamErrorCodeSchema = z.enum(codeList(STREAM_ERROR_CODES));

export const ErrorMessageSchema = z.strictObject({
  type: z.literal('error'),
  code: z.string().max(64),
  message: z.string().max(1024),
});
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;

/** Text messages the browser may send. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  HelloMessageSchema,
  CameraMessageSchema,
  DisplayMessageSchema,
  DoneMessageSchema,
  ErrorMessageSchema,
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ChallengeMessageSchema = z.object({
  type: z.literal('challenge'),
  mode: ModeSchema,
  nonce: z.string().min(1).max(64),
  oval: OvalSchema,
  capture: z.object({
    maxWidth: z.number().int().positive(),
    jpegQuality: Finite.min(0).max(1),
    fps: z.number().positive(),
    durationMs: z.number().int().positive().optional(),
    maxFrames: z.number().int().positive().optional(),
    /**
     * Dynamic: capture starts this long before the first colour, with the
     * screen as normal, so the face is seen unlit by the flashes...
     */
    warmupMs: z.number().int().nonnegative().optional(),
    /** ...and goes on this long after the last colour (screen as normal again) before `done`. */
    tailMs: z.number().int().nonnegative().optional(),
  }),
  colors: z.array(ColorStepSchema).max(100).optional(),
  /**
   * Ed25519 signature (base64url) by the verifier over `challengeSigningInput`:
   * an SDK configured with the verifier's public key refuses any challenge
   * (a relay's colours, a downgraded mode) that does not carry a valid one.
   */
  signature: z.string().max(128).optional(),
});
export type ChallengeMessage = z.infer<typeof ChallengeMessageSchema>;

/**
 * JSON with object keys sorted at every level and no spaces: one byte string
 * per value, so the signer and the checker agree whatever order a parser
 * keeps keys in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The bytes a challenge's signature covers: a domain tag, the session id and the challenge without its signature. */
export function challengeSigningInput(sessionId: string, challenge: ChallengeMessage): string {
  const { signature: _signature, ...signed } = challenge;
  return `facelight-challenge-v1\n${sessionId}\n${canonicalJson(signed)}`;
}

/** Retry hints the browser may see: never scores, only what the user can change. */
export const RetryCodeSchema = z.enum(codeList(RESULT_REASON_CODES));

export const ResultMessageSchema = z.object({
  type: z.literal('result'),
  status: StatusSchema,
  retry: z.object({ code: RetryCodeSchema }).optional(),
});
export type ResultMessage = z.infer<typeof ResultMessageSchema>;

/** Text messages the verifier may send. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  ChallengeMessageSchema,
  ResultMessageSchema,
  ErrorMessageSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/**
 * JSON header of a binary frame; `t` is the capture time on the page clock,
 * `nonce` the challenge's: a frame is bound to its session and its place in it.
 */
export const FrameHeaderSchema = z.strictObject({
  type: z.literal('frame'),
  nonce: z.string().min(1).max(64),
  seq: z.number().int().nonnegative().max(1_000_000),
  t: NonNegative,
  w: z.number().int().positive().max(4096),
  h: z.number().int().positive().max(4096),
});
export type FrameHeader = z.infer<typeof FrameHeaderSchema>;
