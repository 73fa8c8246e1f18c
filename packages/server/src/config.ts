import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FRAME_LIMITS, ModeSchema, UseCaseSchema, type ChallengeMessage, type Oval } from '@facelight/protocol';
import { z } from 'zod';
import { DEFAULT_DETECTION_POLICY } from './analysis/analyze-face.js';
import { DEFAULT_TRUSTED_IMAGE_LIMITS } from './analysis/trusted-image-checks.js';
import { DEFAULT_EXPRESS_DECISION, type ExpressDecisionLimits } from './decision/express.js';
import { DEFAULT_DYNAMIC_DECISION, type DynamicDecisionLimits } from './decision/dynamic.js';
import { paletteProblem, type ColorSequenceSettings, type Rgb8 } from './challenge/colors.js';
import { compileProxyTrust } from './security/client-address.js';

const repoModels = fileURLToPath(new URL('../../../models', import.meta.url));
const repoDemo = fileURLToPath(new URL('../../../examples/demo', import.meta.url));

/**
 * Cosine similarity above which two faces are the same person. Chosen on the
 * dev data (docs/benchmarks.md): a normal fit to the impostor scores puts a
 * 1-in-10,000 false accept at about 0.40.
 */
export const DEFAULT_FACE_MATCH_THRESHOLD = 0.4;

export type CaptureSettings = Required<Omit<ChallengeMessage['capture'], 'warmupMs' | 'tailMs'>>;

export interface ExpressSettings {
  oval: Oval;
  capture: CaptureSettings;
  decision: ExpressDecisionLimits;
}

/** What an Express challenge asks of the browser unless the config says otherwise. */
export const DEFAULT_EXPRESS_CHALLENGE: Omit<ExpressSettings, 'decision'> = {
  // A face at arm's length in a 640x480 selfie frame: 269x346 px, a head's
  // proportions, a little above centre where a webcam preview puts the eyes.
  oval: { cx: 0.5, cy: 0.48, w: 0.42, h: 0.72 },
  // One second at 15 fps gives the median a dozen frames or more, and two
  // analysis threads keep pace with it (~120 ms a frame on the 2-core reference
  // machine). maxFrames is twice the expected count, so a camera running ahead is not cut off.
  capture: { maxWidth: 640, jpegQuality: 0.85, fps: 15, durationMs: 1000, maxFrames: 30 },
};

export interface DynamicSettings extends ColorSequenceSettings {
  oval: Oval;
  /** The frame size, quality and rate; the duration and frame budget follow from each session's colours. */
  capture: Pick<CaptureSettings, 'maxWidth' | 'jpegQuality' | 'fps'>;
  /** Capture before the first colour and after the last, the screen as normal: the face unlit by flashes. */
  warmupMs: number;
  tailMs: number;
  /**
   * During the colours, one frame in this many is analysed in full (embedding
   * and quality); the others only for what the face reflects (see
   * stream/dynamic-plan.ts).
   */
  heavyEvery: number;
  decision: DynamicDecisionLimits;
}

/**
 * Bright colours of distinct chromaticity that skin reflects measurably, and
 * black for contrast; no red (WCAG 2.3.1 red flashes). 10 colours of
 * 250–400 ms take at most 4 s.
 */
export const DEFAULT_PALETTE: Rgb8[] = [
  [255, 255, 255],
  [0, 255, 255],
  [0, 0, 255],
  [255, 0, 255],
  [255, 255, 0],
  [0, 255, 0],
  [0, 0, 0],
];

export const DEFAULT_DYNAMIC_CHALLENGE: Omit<DynamicSettings, 'decision'> = {
  oval: DEFAULT_EXPRESS_CHALLENGE.oval,
  // 30 fps: a colour of 250 ms gets 7 frames, enough to see it settle. JPEG 0.8
  // keeps 640-px frames near 40 KB, 1.2 MB/s at that rate.
  capture: { maxWidth: 640, jpegQuality: 0.8, fps: 30 },
  count: 10,
  palette: DEFAULT_PALETTE,
  stepMs: { min: 250, max: 400 },
  warmupMs: 500,
  tailMs: 500,
  heavyEvery: 15,
};

/** The colours together may last this long at most: the user holds still that long. */
export const MAX_FLASH_MS = 4000;

const unit = z.number().min(0).max(1);
const share = z.number().gt(0).max(1);

/**
 * Express capture and decision settings. Both the top-level `express` and a
 * use case's `express` override the defaults field by field (the use case
 * wins), so every field is optional here.
 */
/** The face checks Express and Dynamic decisions share. */
const FACE_DECISION_FIELDS = {
  minFrames: z.number().int().min(1),
  minFaceShare: share,
  multipleFacesShare: share,
  identityThreshold: z.number().min(-1).max(1),
  livenessThreshold: unit,
  matchFrames: z.number().int().min(1).max(300),
};

/** The size and JPEG quality of streamed frames, in either mode. */
const FRAME_IMAGE_FIELDS = {
  maxWidth: z.number().int().min(160).max(1920),
  jpegQuality: z.number().min(0.3).max(1),
};

const OvalOverrideSchema = z.strictObject({ cx: unit, cy: unit, w: share, h: share }).partial().optional();

const ExpressOverrideSchema = z.strictObject({
  oval: OvalOverrideSchema,
  capture: z
    .strictObject({
      ...FRAME_IMAGE_FIELDS,
      fps: z.number().int().min(5).max(30),
      durationMs: z.number().int().min(200).max(10_000),
      maxFrames: z.number().int().min(1).max(300),
    })
    .partial()
    .optional(),
  decision: z.strictObject(FACE_DECISION_FIELDS).partial().optional(),
});
export type ExpressOverride = z.infer<typeof ExpressOverrideSchema>;

const positive = z.number().positive();
const ms = z.number().int().min(0).max(10_000);
/** Dynamic settings, overriding the defaults field by field like Express's. */
const DynamicOverrideSchema = z.strictObject({
  oval: OvalOverrideSchema,
  capture: z
    .strictObject({
      ...FRAME_IMAGE_FIELDS,
      fps: z.number().int().min(15).max(60),
    })
    .partial()
    .optional(),
  count: z.number().int().min(6).max(20).optional(),
  palette: z.array(z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)])).min(4).max(16).optional(),
  // At least 100 ms: the face and camera need that to settle on a colour.
  stepMs: z.strictObject({ min: z.number().int().min(100).max(2000), max: z.number().int().min(100).max(2000) }).optional(),
  warmupMs: ms.optional(),
  tailMs: ms.optional(),
  heavyEvery: z.number().int().min(1).max(30).optional(),
  decision: z
    .strictObject({
      ...FACE_DECISION_FIELDS,
      minDelayMs: z.number().min(-1000).max(2000),
      maxDelayMs: z.number().min(-1000).max(2000),
      scanMinDelayMs: z.number().min(-2000).max(3000),
      scanMaxDelayMs: z.number().min(-2000).max(3000),
      delayMargin: z.number().min(1),
      minEffectLevels: positive,
      absentLevels: positive,
      minSnr: positive,
      maxUnexplained: unit,
      minDirectionAgreement: unit,
      minChromaAgreement: z.number().min(0).max(2),
      maxBackgroundRatio: positive,
      maxCheekRatio: positive,
    })
    .partial()
    .optional(),
});
export type DynamicOverride = z.infer<typeof DynamicOverrideSchema>;

/** An API key in clear (development) or as the hex SHA-256 of the key, so the config file holds no secret. */
const ApiKeySchema = z.union([
  z.strictObject({
    id: z.string().min(1).max(64),
    key: z.string().min(16, 'API keys must be at least 16 characters'),
  }),
  z.strictObject({
    id: z.string().min(1).max(64),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits (sha256 of the key)'),
  }),
]);
export type ApiKeyConfig = z.infer<typeof ApiKeySchema>;

const StoreSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('memory') }),
  z.strictObject({
    kind: z.literal('redis'),
    /** redis://[user:password@]host:port/db */
    url: z.string().min(1),
    /** Prefix of every key, so several deployments can share one Redis. */
    keyPrefix: z.string().max(64).default('facelight:'),
    /** A command fails after this long (Redis down) instead of waiting for a reconnect. */
    commandTimeoutMs: z.number().int().min(50).max(60_000).default(2000),
  }),
]);
export type StoreConfig = z.infer<typeof StoreSchema>;

export const ConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  apiKeys: z.array(ApiKeySchema).min(1, 'configure at least one API key (FACELIGHT_API_KEYS or apiKeys)'),
  defaultMode: ModeSchema.default('express'),
  /** Per use case: the mode, and Express settings that override the top-level `express`. */
  useCases: z
    .record(UseCaseSchema, z.strictObject({ mode: ModeSchema, express: ExpressOverrideSchema.optional(), dynamic: DynamicOverrideSchema.optional() }))
    .default({}),
  sessionTtlSeconds: z.number().int().min(30).max(3600).default(300),
  storeTrustedImage: z.boolean().default(false),
  modelDir: z.string().default(repoModels),
  analysisThreads: z.number().int().min(1).max(64).optional(),
  faceMatchThreshold: z.number().min(-1).max(1).default(DEFAULT_FACE_MATCH_THRESHOLD),
  image: z
    .strictObject({
      /** 2 MiB: what file managers display as "2 MB", so a file users see as 2 MB fits. */
      maxBytes: z.number().int().positive().default(2 * 1024 * 1024),
      maxPixels: z.number().int().positive().default(24_000_000),
      decodeTimeoutMs: z.number().int().positive().default(5000),
    })
    .prefault({}),
  trustedImage: z
    .strictObject({
      minEyeDistancePx: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.minEyeDistancePx),
      maxRollDeg: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.maxRollDeg),
      maxYawDeg: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.maxYawDeg),
      maxPitchDeg: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.maxPitchDeg),
      minEyeOpenness: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.minEyeOpenness),
      maxOverexposedShare: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.maxOverexposedShare),
      maxUnderexposedShare: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.maxUnderexposedShare),
      minDynamicRange: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.minDynamicRange),
      minIlluminationRatio: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.minIlluminationRatio),
      minSharpness: z.number().default(DEFAULT_TRUSTED_IMAGE_LIMITS.minSharpness),
    })
    .prefault({}),
  detection: z
    .strictObject({
      minScore: z.number().min(0).max(1).default(DEFAULT_DETECTION_POLICY.minScore),
      extraFaceScore: z.number().min(0).max(1).default(DEFAULT_DETECTION_POLICY.extraFaceScore),
    })
    .prefault({}),
  /** Express settings of every use case (a use case may override them); defaults in DEFAULT_EXPRESS_*. */
  express: ExpressOverrideSchema.optional(),
  /** Dynamic settings of every use case (a use case may override them); defaults in DEFAULT_DYNAMIC_*. */
  dynamic: DynamicOverrideSchema.optional(),
  /** Limits of the browser stream (WebSocket), whatever the use case. */
  stream: z
    .strictObject({
      /** The first message must be a valid hello within this. */
      helloTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
      /** From the challenge to the first frame: the user is aligning the face in the oval meanwhile. */
      alignTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
      /** Once frames flow, the longest time allowed without a frame or colour report. */
      idleTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
      /**
       * A stream ends (STREAM_TIMEOUT) this long after its hello plus
       * alignTimeoutMs plus the capture's duration, and before its session
       * expires, however busy its client keeps it: room for a slow uplink to
       * deliver the frames.
       */
      lifetimeMarginMs: z.number().int().min(1000).max(600_000).default(30_000),
      /**
       * From `done` to the decision stored: a decision that takes longer (an
       * overloaded or stalled process) fails as VERIFIER_ERROR. Seconds even
       * under load (bench:load); the SDK waits 60 s for its result.
       */
      decisionTimeoutMs: z.number().int().min(100).max(600_000).default(55_000),
      /** Bytes of one binary frame, header included; a 640x480 JPEG at quality 0.85 is 40–80 KB. */
      maxFrameBytes: z.number().int().min(1024).max(FRAME_LIMITS.maxFrameBytes).default(300 * 1024),
    })
    .prefault({}),
  /** Folder of the web SDK build served at /facelight/ (default: the @facelight/web package's dist). */
  sdkDir: z.string().optional(),
  /**
   * The demo page at / with its small integrator backend under /demo/api,
   * which uses the API key `apiKeyId` server side. Off unless enabled; never
   * for production. Relative folders resolve against the working directory.
   */
  demo: z
    .strictObject({
      enabled: z.boolean().default(false),
      apiKeyId: z.string().optional(),
      /** Sample trusted images offered on the page. */
      samplesDir: z.string().optional(),
      pageDir: z.string().default(repoDemo),
    })
    .prefault({}),
  /**
   * Which proxies in front of the verifier to believe about the client's
   * address (X-Forwarded-For) and, for the same-origin check, which scheme and
   * host the client asked for (X-Forwarded-Proto, X-Forwarded-Host), as
   * Express's "trust proxy": false (none, the
   * TCP peer is the client), a hop count, or addresses/subnets ("loopback",
   * "10.0.0.0/8"). Behind a load balancer, rate limits and the lockout need it,
   * or every client shares the balancer's address.
   */
  trustProxy: z
    .union([z.boolean(), z.number().int().min(0).max(10), z.string().min(1), z.array(z.string().min(1))])
    .default(false)
    .refine(compilesAsProxyTrust, 'each entry must be an IP address, a subnet (10.0.0.0/8) or one of "loopback", "linklocal", "uniquelocal"'),
  /** Where sessions, nonces and results live: one process (memory) or shared by several (redis). */
  store: StoreSchema.default({ kind: 'memory' }),
  /** Results (and evidence) are erased this long after the session ends; DELETE erases at once. */
  retentionSeconds: z.number().int().min(60).max(30 * 24 * 3600).default(24 * 3600),
  security: z
    .strictObject({
      /**
       * Origins (scheme://host[:port]) allowed to open a session stream and to
       * call the REST API from a browser (CORS). Empty: only same-origin pages
       * and clients that send no Origin (servers).
       */
      allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'an origin is scheme://host[:port], no path')).default([]),
      /** A client token may open the stream this long after the session was created. */
      clientTokenTtlSeconds: z.number().int().min(1).max(3600).default(120),
      /**
       * Ed25519 private key (PKCS#8 PEM) that signs client tokens and challenges.
       * Several processes behind one load balancer need the same key. Absent: a
       * key is made at start (one process only; its public key is served at
       * /v1/keys and logged).
       */
      signingKeyPem: z.string().optional(),
      /**
       * Per minute: REST requests per API key (a leaked key or a runaway
       * backend) and per client address (a flood from one host, whatever
       * key); REST requests that fail authentication per client address
       * (key guessing; an integrator's backend sends everything from one
       * address, so its good requests do not count); stream openings per
       * client address (each browser has its own, but offices share one).
       */
      rateLimit: z
        .strictObject({
          perApiKeyPerMinute: z.number().int().min(1).default(6000),
          perIpPerMinute: z.number().int().min(1).default(6000),
          failedAuthPerIpPerMinute: z.number().int().min(1).default(30),
          streamsPerIpPerMinute: z.number().int().min(1).default(120),
        })
        .prefault({}),
      /** After `failures` failed sessions within `windowSeconds`, a client IP may not start a stream for `lockSeconds`. */
      lockout: z
        .strictObject({
          enabled: z.boolean().default(true),
          failures: z.number().int().min(1).default(5),
          windowSeconds: z.number().int().min(1).default(180),
          lockSeconds: z.number().int().min(1).default(1800),
        })
        .prefault({}),
      /**
       * Device and injection signals: weight of each (0 ignores it, 1 fails the
       * session alone); a session fails when the weights of the signals seen add up to 1.
       */
      signals: z
        .strictObject({
          virtualCamera: z.number().min(0).max(1).default(1),
          automation: z.number().min(0).max(1).default(1),
          tamperedApis: z.number().min(0).max(1).default(1),
          frameTiming: z.number().min(0).max(1).default(1),
          duplicateFrames: z.number().min(0).max(1).default(1),
          emulator: z.number().min(0).max(1).default(0.5),
        })
        .prefault({}),
      /**
       * Test only: accept automated browsers with Chromium's fake camera (the
       * e2e tests). Never in production; the verifier logs a warning at start.
       */
      allowTestCamera: z.boolean().default(false),
    })
    .prefault({}),
  /** Prometheus metrics at GET /metrics (no API key: restrict it at the proxy or turn it off). */
  metrics: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  /** On SIGTERM/SIGINT: stop accepting, let running decisions finish for up to this long, then close streams. */
  shutdownGraceSeconds: z.number().int().min(0).max(600).default(10),
  /** Seconds a request body may take to arrive before the request is cut. */
  requestTimeoutSeconds: z.number().int().min(1).max(600).default(30),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).superRefine((config, ctx) => {
  if (config.demo.enabled && !config.apiKeys.some((k) => k.id === config.demo.apiKeyId && 'key' in k)) {
    ctx.addIssue({ code: 'custom', path: ['demo', 'apiKeyId'], message: 'the demo needs the id of one of apiKeys given in clear (key, not sha256)' });
  }
  // Field limits cannot see a frame budget that the decision's minimum can never meet.
  for (const useCase of [undefined, ...Object.keys(config.useCases)]) {
    const { capture, decision } = expressSettings(config, useCase);
    if (decision.minFrames > capture.maxFrames) {
      ctx.addIssue({
        code: 'custom',
        path: useCase === undefined ? ['express'] : ['useCases', useCase, 'express'],
        message: `decision.minFrames (${decision.minFrames}) exceeds capture.maxFrames (${capture.maxFrames})`,
      });
    }
    const path = useCase === undefined ? ['dynamic'] : ['useCases', useCase, 'dynamic'];
    for (const message of dynamicProblems(dynamicSettings(config, useCase))) ctx.addIssue({ code: 'custom', path, message });
  }
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** The Express settings of a session's use case: defaults, then the top-level `express`, then the use case's. */
export function expressSettings(config: Pick<Config, 'express' | 'useCases'>, useCase?: string): ExpressSettings {
  const layers = [config.express, useCase === undefined ? undefined : config.useCases[useCase]?.express];
  const merged: ExpressSettings = {
    oval: { ...DEFAULT_EXPRESS_CHALLENGE.oval },
    capture: { ...DEFAULT_EXPRESS_CHALLENGE.capture },
    decision: { ...DEFAULT_EXPRESS_DECISION },
  };
  for (const layer of layers) {
    Object.assign(merged.oval, layer?.oval);
    Object.assign(merged.capture, layer?.capture);
    Object.assign(merged.decision, layer?.decision);
  }
  return merged;
}

/** The Dynamic settings of a session's use case: defaults, then the top-level `dynamic`, then the use case's. */
export function dynamicSettings(config: Pick<Config, 'dynamic' | 'useCases'>, useCase?: string): DynamicSettings {
  const merged: DynamicSettings = {
    ...DEFAULT_DYNAMIC_CHALLENGE,
    oval: { ...DEFAULT_DYNAMIC_CHALLENGE.oval },
    capture: { ...DEFAULT_DYNAMIC_CHALLENGE.capture },
    stepMs: { ...DEFAULT_DYNAMIC_CHALLENGE.stepMs },
    decision: { ...DEFAULT_DYNAMIC_DECISION },
  };
  for (const layer of [config.dynamic, useCase === undefined ? undefined : config.useCases[useCase]?.dynamic]) {
    if (!layer) continue;
    const { oval, capture, decision, ...rest } = layer;
    Object.assign(merged, rest);
    Object.assign(merged.oval, oval);
    Object.assign(merged.capture, capture);
    Object.assign(merged.decision, decision);
  }
  return merged;
}

/** What field limits cannot see: combinations of Dynamic settings that cannot work. */
function dynamicProblems(s: DynamicSettings): string[] {
  const problems: string[] = [];
  const { stepMs, decision: d } = s;
  const palette = paletteProblem(s.palette);
  if (palette) problems.push(`palette: ${palette}`);
  if (stepMs.min > stepMs.max) problems.push(`stepMs.min (${stepMs.min}) exceeds stepMs.max (${stepMs.max})`);
  // With a step of 250 ms available the generator can always space the flashes out (at most 4 changes a second).
  if (stepMs.max < 250) problems.push('stepMs.max must be at least 250 so that a flash-safe sequence always exists');
  if (s.count * stepMs.max > MAX_FLASH_MS) problems.push(`count x stepMs.max (${s.count * stepMs.max} ms) exceeds ${MAX_FLASH_MS} ms`);
  if (d.minDelayMs >= d.maxDelayMs) problems.push('decision.minDelayMs must be below decision.maxDelayMs');
  if (d.scanMinDelayMs > d.minDelayMs || d.scanMaxDelayMs < d.maxDelayMs) problems.push('the decision scan window must contain the delay window');
  if (d.absentLevels > d.minEffectLevels) problems.push('decision.absentLevels must not exceed decision.minEffectLevels');
  const fewest = Math.floor((s.capture.fps * (s.warmupMs + s.count * stepMs.min + s.tailMs)) / 1000);
  if (d.minFrames > fewest) problems.push(`decision.minFrames (${d.minFrames}) exceeds the ${fewest} frames of the shortest capture`);
  return problems;
}

export function parseConfig(input: unknown): Config {
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Configuration from an optional JSON file (`FACELIGHT_CONFIG` or `--config`)
 * overlaid with environment variables, which win.
 */
export function loadConfig(env: NodeJS.ProcessEnv, configFile?: string): Config {
  const file = configFile ?? env.FACELIGHT_CONFIG;
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(path.resolve(file), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  if (env.FACELIGHT_HOST) fromEnv.host = env.FACELIGHT_HOST;
  if (env.FACELIGHT_PORT ?? env.PORT) fromEnv.port = Number(env.FACELIGHT_PORT ?? env.PORT);
  if (env.FACELIGHT_API_KEYS) fromEnv.apiKeys = parseApiKeys(env.FACELIGHT_API_KEYS);
  if (env.FACELIGHT_MODEL_DIR) fromEnv.modelDir = env.FACELIGHT_MODEL_DIR;
  if (env.FACELIGHT_LOG_LEVEL) fromEnv.logLevel = env.FACELIGHT_LOG_LEVEL;
  if (env.FACELIGHT_ANALYSIS_THREADS) fromEnv.analysisThreads = Number(env.FACELIGHT_ANALYSIS_THREADS);
  if (env.FACELIGHT_REDIS_URL) {
    // Only the URL: the file's key prefix and timeout still apply (deployments sharing a Redis keep their own keys).
    const fileStore = fromFile.store as { kind?: unknown } | undefined;
    fromEnv.store = { ...(fileStore?.kind === 'redis' ? fileStore : {}), kind: 'redis', url: env.FACELIGHT_REDIS_URL };
  }
  return parseConfig({ ...fromFile, ...fromEnv });
}

/** `id:key,id2:key2` or bare keys (named key1, key2, ...). */
function parseApiKeys(value: string): { id: string; key: string }[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const sep = entry.indexOf(':');
      return sep > 0 ? { id: entry.slice(0, sep), key: entry.slice(sep + 1) } : { id: `key${i + 1}`, key: entry };
    });
}

/** Whether Express (proxy-addr) can compile a `trustProxy` setting; it throws on anything else, at start, without naming the field. */
function compilesAsProxyTrust(setting: boolean | number | string | string[]): boolean {
  try {
    compileProxyTrust(setting);
    return true;
  } catch {
    return false;
  }
}
