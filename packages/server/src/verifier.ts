import express, { Router } from 'express';
import helmet from 'helmet';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { createAnalysisPool } from './analysis/pool.js';
import { parseConfig, type Config, type ConfigInput } from './config.js';
import { FaceService } from './face-service.js';
import { apiKeyAuth } from './http/api-key-auth.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { createImageIntake } from './image/index.js';
import { faceMatchRoutes } from './routes/face-match.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/sessions.js';
import { MemorySessionStore, type SessionStore } from './sessions/store.js';

export interface Verifier {
  readonly config: Config;
  /** Mount in an existing Express app: serves /healthz, /readyz and /v1/*. */
  readonly router: Router;
  /** Resolves once the models are loaded in every analysis thread. */
  readonly ready: Promise<void>;
  isReady(): boolean;
  readonly logger: Logger;
  close(): Promise<void>;
}

export interface VerifierOptions {
  store?: SessionStore;
  logger?: Logger;
}

/** Images, tokens and keys never reach the log. */
export const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.headers["set-cookie"]'];

export function createVerifier(input: ConfigInput | Config, opts: VerifierOptions = {}): Verifier {
  const config = parseConfig(input);
  const logger = opts.logger ?? pino({ level: config.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
  const store = opts.store ?? new MemorySessionStore();
  const intake = createImageIntake(config.image);
  const pool = createAnalysisPool({
    models: { dir: config.modelDir },
    detection: config.detection,
    ...(config.analysisThreads === undefined ? {} : { threads: config.analysisThreads }),
  });
  let ready = false;
  const readyPromise = pool.ready.then(() => {
    ready = true;
  });
  readyPromise.catch((err: unknown) => logger.error({ err }, 'models failed to load'));

  const faces = new FaceService(intake, pool, config.trustedImage, config.faceMatchThreshold);
  const router = Router();
  router.use(pinoHttp({ logger, quietReqLogger: true }));
  router.use(healthRoutes(() => ready));
  router.use('/v1', apiKeyAuth(config.apiKeys));
  router.use(sessionRoutes({ config, store, faces }));
  router.use(faceMatchRoutes(faces, config.image.maxBytes));
  router.use('/v1', notFound);
  router.use(errorHandler);

  return {
    config,
    router,
    ready: readyPromise,
    isReady: () => ready,
    logger,
    async close() {
      await Promise.allSettled([pool.close(), intake.close(), store.close()]);
    },
  };
}

/** A standalone app: security headers, the verifier, JSON 404 for everything else. */
export function createApp(verifier: Verifier): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet());
  app.use(verifier.router);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
