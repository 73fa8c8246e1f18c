import { randomUUID } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import {
  CreateSessionRequestSchema,
  TrustedImageJsonRequestSchema,
  type CreateSessionResponse,
  type FaceQuality,
  type Mode,
  type TrustedImageResponse,
} from '@facelight/protocol';
import { embeddingOf } from '../analysis/analyze-face.js';
import type { Config } from '../config.js';
import type { FaceService } from '../face-service.js';
import type { VerifierMetrics } from '../metrics/registry.js';
import { ApiError } from '../http/api-error.js';
import { refuseDeclaredOversize } from '../http/declared-size.js';
import { jsonBodyLimit, parseBody } from '../http/validate.js';
import { issueClientToken } from '../security/client-token.js';
import type { SigningKey } from '../security/signing-key.js';
import { lostStreamResult } from '../sessions/lost-stream.js';
import { hashToken, type Session } from '../sessions/session.js';
import type { SessionStore } from '../sessions/store.js';

export interface SessionRouteDeps {
  config: Config;
  store: SessionStore;
  faces: FaceService;
  signingKey: SigningKey;
  metrics: Pick<VerifierMetrics, 'sessionEnded'>;
  now?: () => number;
}

export function sessionRoutes({ config, store, faces, signingKey, metrics, now = Date.now }: SessionRouteDeps): Router {
  const router = Router();

  /** The session of this API key, or 404: other keys' sessions do not exist for the caller. */
  async function ownSession(req: Request<{ id: string }>, apiKeyId: string): Promise<Session> {
    const session = await store.get(req.params.id);
    if (!session || session.apiKeyId !== apiKeyId) {
      throw new ApiError(404, 'SESSION_NOT_FOUND', 'no such session, or it has expired');
    }
    return session;
  }

  router.post('/v1/sessions', refuseDeclaredOversize(16 * 1024), express.json({ limit: '16kb' }), async (req, res) => {
    const body = parseBody(CreateSessionRequestSchema, req.body ?? {});
    let mode: Mode = body.mode ?? config.defaultMode;
    if (body.useCase !== undefined) {
      const useCase = config.useCases[body.useCase];
      if (!useCase) throw new ApiError(400, 'UNKNOWN_USE_CASE', `use case "${body.useCase}" is not configured`);
      mode = body.mode ?? useCase.mode;
    }
    const createdAt = now();
    const id = randomUUID();
    const expiresAt = createdAt + config.sessionTtlSeconds * 1000;
    // The browser must open the stream soon; the session itself lives on for its result.
    const clientToken = issueClientToken(signingKey, id, Math.min(expiresAt, createdAt + config.security.clientTokenTtlSeconds * 1000));
    const session: Session = {
      id,
      mode,
      ...(body.useCase === undefined ? {} : { useCase: body.useCase }),
      ...(body.metadata === undefined ? {} : { metadata: body.metadata }),
      apiKeyId: res.locals.apiKeyId as string,
      createdAt,
      expiresAt,
      clientTokenHash: hashToken(clientToken),
      state: 'created',
    };
    await store.create(session);
    const response: CreateSessionResponse = {
      sessionId: session.id,
      clientToken,
      mode,
      ...(session.useCase === undefined ? {} : { useCase: session.useCase }),
      expiresAt: new Date(session.expiresAt).toISOString(),
    };
    res.status(201).json(response);
  });

  const imageTooLarge: ErrorRequestHandler = (err: { type?: string }, _req, _res, next) => {
    if (err?.type !== 'entity.too.large') return next(err);
    const limit = config.image.maxBytes;
    next(
      new ApiError(413, 'IMAGE_TOO_LARGE', `the image exceeds ${limit} bytes`, {
        errors: [{ code: 'IMAGE_TOO_LARGE', message: `the image exceeds ${limit} bytes`, limit }],
      }),
    );
  };

  router.put(
    '/v1/sessions/:id/trusted-image',
    async (req: Request<{ id: string }>, res: Response, next: NextFunction) => {
      const session = await ownSession(req, res.locals.apiKeyId as string);
      if (session.state !== 'created') throw new ApiError(409, 'SESSION_NOT_OPEN', 'the session has already been scanned');
      next();
    },
    // Raw bytes unless the body is declared JSON; the declared type never decides the image format.
    refuseDeclaredOversize(jsonBodyLimit(config.image.maxBytes, 1), 'IMAGE_TOO_LARGE'),
    express.raw({ type: (req) => !(req.headers['content-type'] ?? '').includes('json'), limit: config.image.maxBytes }),
    express.json({ limit: jsonBodyLimit(config.image.maxBytes, 1) }),
    imageTooLarge,
    async (req: Request<{ id: string }>, res: Response) => {
      const bytes = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.from(parseBody(TrustedImageJsonRequestSchema, req.body).image, 'base64');
      const analysis = await faces.analyze(bytes);
      const errors = faces.checkTrusted(analysis);
      const face = analysis.face;
      if (errors.length > 0 || !face?.quality) {
        const rejected: TrustedImageResponse = { accepted: false, errors };
        res.status(422).json(rejected);
        return;
      }
      const quality = face.quality;
      // Only while no stream has claimed the session: a scan decides against the trusted face it started with.
      const updated = await store.update(req.params.id, (s) =>
        s.state !== 'created'
          ? s
          : {
              ...s,
              trusted: {
                embedding: Array.from(embeddingOf(face)),
                quality,
                ...(config.storeTrustedImage ? { image: bytes.toString('base64') } : {}),
              },
            },
      );
      if (!updated) throw new ApiError(404, 'SESSION_NOT_FOUND', 'the session expired during the upload');
      if (updated.state !== 'created') throw new ApiError(409, 'SESSION_NOT_OPEN', 'the session was scanned during the upload');
      const accepted: TrustedImageResponse = { accepted: true, quality: roundQuality(quality) };
      res.json(accepted);
    },
  );

  /**
   * A session whose verifier died mid-stream gets its failure stored once, by
   * whichever reader notices first, with the one audit entry a session gets.
   */
  async function settleLostStream(session: Session, req: Request): Promise<Session> {
    const lost = lostStreamResult(session, now());
    if (!lost) return session;
    const nonce = session.stream!.nonce;
    let ours = false;
    const settled = await store.update(session.id, (s) => {
      ours = s.state === 'streaming' && s.stream?.nonce === nonce;
      return ours ? { ...s, state: 'failed', result: lost, expiresAt: now() + config.retentionSeconds * 1000 } : s;
    });
    if (!settled) throw new ApiError(404, 'SESSION_NOT_FOUND', 'no such session, or it has expired');
    if (ours) {
      const { id: sessionId, apiKeyId, useCase, mode } = session;
      metrics.sessionEnded(mode, lost.status, lost.reasons);
      const cause = 'the verifier serving its stream stopped before storing an outcome';
      req.log.warn({ audit: { sessionId, apiKeyId, useCase, mode, status: lost.status, reasons: lost.reasons, cause } }, 'session failed');
    }
    return settled;
  }

  router.get('/v1/sessions/:id/result', async (req, res) => {
    const session = await settleLostStream(await ownSession(req, res.locals.apiKeyId as string), req);
    if (!session.result) {
      res.status(409).json({ status: 'PENDING', error: { code: 'RESULT_PENDING', message: 'the session has no result yet' } });
      return;
    }
    res.json(session.result);
  });

  router.delete('/v1/sessions/:id', async (req, res) => {
    await ownSession(req, res.locals.apiKeyId as string);
    await store.delete(req.params.id);
    res.status(204).end();
  });

  return router;
}

function roundQuality(q: FaceQuality): FaceQuality {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Number(v.toFixed(3))])) as FaceQuality;
}
