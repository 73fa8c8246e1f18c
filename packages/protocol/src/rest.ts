import { z } from 'zod';
import {
  API_ERROR_CODES,
  RESULT_REASON_CODES,
  TRUSTED_IMAGE_ERROR_CODES,
  codeList,
} from './codes.js';

/** Capture modes: Express is passive, Dynamic flashes a colour challenge. */
export const ModeSchema = z.enum(['express', 'dynamic']);
export type Mode = z.infer<typeof ModeSchema>;

export const UseCaseSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only');

/** Levels of objects and arrays in a session's metadata, itself included. */
export const MAX_METADATA_DEPTH = 8;

/**
 * Whether no object or array in `value` lies deeper than `max` levels, walked
 * without recursion: a body of a few KB can nest thousands deep, and copying
 * or serialising that overflows the stack.
 */
export function nestsWithin(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return true;
}

export const CreateSessionRequestSchema = z.strictObject({
  mode: ModeSchema.optional(),
  useCase: UseCaseSchema.optional(),
  metadata: z
    .record(z.string().max(64), z.unknown())
    .refine((m) => nestsWithin(m, MAX_METADATA_DEPTH), `metadata may nest at most ${MAX_METADATA_DEPTH} levels deep`)
    .optional(),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>;

export const CreateSessionResponseSchema = z.object({
  sessionId: z.string(),
  clientToken: z.string(),
  mode: ModeSchema,
  useCase: z.string().optional(),
  expiresAt: z.iso.datetime(),
});
export type CreateSessionResponse = z.infer<typeof CreateSessionResponseSchema>;

/** Base64 image in a JSON body; a data: URL prefix is tolerated. */
export const Base64ImageSchema = z
  .string()
  .min(1)
  .transform((s) => s.replace(/^data:[^,]*,/, ''))
  .pipe(z.base64());

export const TrustedImageJsonRequestSchema = z.strictObject({ image: Base64ImageSchema });
export type TrustedImageJsonRequest = z.infer<typeof TrustedImageJsonRequestSchema>;

export const TrustedImageErrorCodeSchema = z.enum(codeList(TRUSTED_IMAGE_ERROR_CODES));

export const ImageCheckFailureSchema = z.object({
  code: TrustedImageErrorCodeSchema,
  message: z.string(),
  measured: z.number().optional(),
  limit: z.number().optional(),
});
export type ImageCheckFailure = z.infer<typeof ImageCheckFailureSchema>;

/** Measured face-image quality (ISO/IEC 19794-5 automatable subset). */
export const FaceQualitySchema = z.object({
  eyeDistancePx: z.number(),
  rollDeg: z.number(),
  yawDeg: z.number(),
  pitchDeg: z.number(),
  eyeOpenness: z.number(),
  overexposedShare: z.number(),
  underexposedShare: z.number(),
  dynamicRange: z.number(),
  illuminationRatio: z.number(),
  sharpness: z.number(),
  detectionScore: z.number(),
});
export type FaceQuality = z.infer<typeof FaceQualitySchema>;

export const TrustedImageAcceptedSchema = z.object({
  accepted: z.literal(true),
  quality: FaceQualitySchema,
});
export const TrustedImageRejectedSchema = z.object({
  accepted: z.literal(false),
  errors: z.array(ImageCheckFailureSchema).min(1),
});
export const TrustedImageResponseSchema = z.discriminatedUnion('accepted', [
  TrustedImageAcceptedSchema,
  TrustedImageRejectedSchema,
]);
export type TrustedImageResponse = z.infer<typeof TrustedImageResponseSchema>;

export const FaceMatchRequestSchema = z.strictObject({
  imageA: Base64ImageSchema,
  imageB: Base64ImageSchema,
});
export type FaceMatchRequest = z.infer<typeof FaceMatchRequestSchema>;

export const FaceMatchResponseSchema = z.object({
  similarity: z.number().min(-1).max(1),
  match: z.boolean(),
  threshold: z.number(),
});
export type FaceMatchResponse = z.infer<typeof FaceMatchResponseSchema>;

export const StatusSchema = z.enum(['SUCCESS', 'FAILURE']);
export type Status = z.infer<typeof StatusSchema>;

export const ResultReasonCodeSchema = z.enum(codeList(RESULT_REASON_CODES));

export const SessionResultSchema = z.object({
  sessionId: z.string(),
  status: StatusSchema,
  mode: ModeSchema,
  reasons: z.array(ResultReasonCodeSchema),
  scores: z.object({
    faceMatch: z.number().optional(),
    liveness: z.number(),
    reflection: z.number().optional(),
  }),
  /** Dynamic mode: what the face did while the screen flashed. */
  reflection: z
    .object({
      /** Estimated screen-to-camera delay. */
      delayMs: z.number(),
      /**
       * Per emitted colour: the face's mean response in linear RGB levels (0–255 scale) relative to
       * the neutral level, i.e. the fitted level of the face under a black screen (ambient light only).
       */
      responses: z.array(z.object({ rgb: z.tuple([z.number(), z.number(), z.number()]), face: z.tuple([z.number(), z.number(), z.number()]) })),
      /** Sampled for plotting: frame times (ms from the first colour), the colour on screen then, and the face's response. */
      timeline: z.object({
        t: z.array(z.number()),
        emitted: z.array(z.tuple([z.number(), z.number(), z.number()])),
        face: z.array(z.tuple([z.number(), z.number(), z.number()])),
      }),
    })
    .optional(),
  evidence: z.object({
    frame: z.string(),
    seq: z.number().int().optional(),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
  }),
  completedAt: z.iso.datetime(),
});
export type SessionResult = z.infer<typeof SessionResultSchema>;

export const ResultPendingSchema = z.object({ status: z.literal('PENDING') });

export const ApiErrorCodeSchema = z.enum(codeList(API_ERROR_CODES));

export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;
