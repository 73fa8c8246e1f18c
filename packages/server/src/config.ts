import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModeSchema, UseCaseSchema } from '@facelight/protocol';
import { z } from 'zod';
import { DEFAULT_DETECTION_POLICY } from './analysis/analyze-face.js';
import { DEFAULT_TRUSTED_IMAGE_LIMITS } from './analysis/trusted-image-checks.js';

const repoModels = fileURLToPath(new URL('../../../models', import.meta.url));

/**
 * Cosine similarity above which two faces are the same person. Chosen on the
 * dev data (docs/benchmarks.md): a normal fit to the impostor scores puts a
 * 1-in-10,000 false accept at about 0.40.
 */
export const DEFAULT_FACE_MATCH_THRESHOLD = 0.4;

const ApiKeySchema = z.strictObject({
  id: z.string().min(1).max(64),
  key: z.string().min(16, 'API keys must be at least 16 characters'),
});

export const ConfigSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  apiKeys: z.array(ApiKeySchema).min(1, 'configure at least one API key (FACELIGHT_API_KEYS or apiKeys)'),
  defaultMode: ModeSchema.default('express'),
  useCases: z.record(UseCaseSchema, z.strictObject({ mode: ModeSchema })).default({}),
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
  /** Seconds a request body may take to arrive before the request is cut. */
  requestTimeoutSeconds: z.number().int().min(1).max(600).default(30),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export class ConfigError extends Error {}

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
