import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** Validates a request body once, at the trust boundary; the result is typed from the schema. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ApiError(400, 'INVALID_REQUEST', `invalid request body: ${issues.map((i) => `${i.path || '(body)'}: ${i.message}`).join('; ')}`, { issues });
  }
  return parsed.data;
}

/** JSON body limit for `count` base64 images of at most `maxImageBytes` each, plus field overhead. */
export const jsonBodyLimit = (maxImageBytes: number, count: number) => Math.ceil((maxImageBytes * 4) / 3) * count + 4096;
