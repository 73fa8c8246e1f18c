import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { Router } from 'express';
import helmet from 'helmet';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAnalysisPool } from './analysis/pool.js';
import { defaultSdkDir, sdkAssetRoutes } from './assets/sdk-assets.js';
import { demoRoutes } from './demo/routes.js';
import { parseConfig, type Config, type ConfigInput } from './config.js';
import { FaceService } from './face-service.js';
import { failedAuthLimit, originPolicy, perApiKeyLimit, perIpLimit, streamOpenings } from './http/abuse-limits.js';
import { apiKeyAuth } from './http/api-key-auth.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { ShutdownGate } from './http/shutdown-gate.js';
import { createImageIntake } from './image/index.js';
import { countApiErrors } from './metrics/count-api-errors.js';
import { createMetrics } from './metrics/registry.js';
import { timedPool } from './metrics/timed-pool.js';
import { faceMatchRoutes } from './routes/face-match.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { metricsRoutes } from './routes/metrics.js';
import { sessionRoutes } from './routes/sessions.js';
import { loadSigningKey } from './security/signing-key.js';
import { createStore } from './sessions/create-store.js';
import type { SessionStore } from './sessions/store.js';
import { createStreamEndpoint, type StreamAttachOptions } from './stream/attach.js';
import { bodyDeadline } from './http/body-deadline.js';
import { answerClientError } from './http/client-error.js';

export interface Verifier {
  readonly config: Config;
  /** Mount in an existing Express app: serves /healthz, /readyz, /v1/* and the SDK under /facelight/. */
  readonly router: Router;
  /** Resolves once the models are loaded in every analysis thread. */
  readonly ready: Promise<void>;
  isReady(): boolean;
  readonly logger: Logger;
  /**
   * Serves the browser stream (WebSocket `{basePath}/v1/sessions/{id}/stream`)
   * on `server`'s upgrade requests; any other upgrade path gets a 404.
   * `createApp(verifier).listen()` does this itself. `server.close()` waits
   * for live streams to end: call `verifier.close()`, which ends them, first.
   */
  attachStream(server: Server, opts?: StreamAttachOptions): void;
  /**
   * For servers that route upgrade requests themselves: serves the request and
   * returns true when its path is a session stream, else returns false and
   * leaves the socket alone.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, opts?: StreamAttachOptions): boolean;
  /**
   * Refuses new requests (503 SHUTTING_DOWN, /healthz excepted) and new
   * streams, ends live streams (their sessions fail as retryable) but lets
   * running requests and streams already deciding finish within `graceMs`
   * (default 0), then stops the workers and the store.
   */
  close(opts?: { graceMs?: number }): Promise<void>;
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
  const store = opts.store ?? createStore(config.store, logger);
  const intake = createImageIntake(config.image);
  const metrics = createMetrics({ processMetrics: config.metrics.enabled });
  const pool = timedPool(
    createAnalysisPool({
      models: { dir: config.modelDir },
      detection: config.detection,
      ...(config.analysisThreads === undefined ? {} : { threads: config.analysisThreads }),
    }),
    metrics,
  );
  let ready = false;
  const readyPromise = pool.ready.then(() => {
    ready = true;
  });
  readyPromise.catch((err: unknown) => logger.error({ err }, 'models failed to load'));

  const faces = new FaceService(intake, pool, config.trustedImage, config.faceMatchThreshold);
  const signingKey = loadSigningKey(config.security.signingKeyPem);
  if (signingKey.ephemeral) logger.warn({ publicKey: signingKey.publicKey }, 'no security.signingKeyPem: made a signing key for this process only');
  if (config.security.allowTestCamera) logger.warn('security.allowTestCamera is on: automated browsers and fake cameras pass; never use this in production');
  const stream = createStreamEndpoint({ config, store, pool, logger, signingKey, openings: streamOpenings(store), metrics }, () => ready);
  const gate = new ShutdownGate();
  const router = Router();
  router.use(countApiErrors(metrics));
  // Ahead of the request log, which a scrape every few seconds would flood.
  if (config.metrics.enabled) router.use(metricsRoutes(metrics.registry));
  // Method and path only: headers carry API keys and cookies, and an integrator's own logger may not redact them.
  router.use(pinoHttp({ logger, quietReqLogger: true, serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) } }));
  router.use(gate.middleware);
  // Ahead of the server's own requestTimeout (createApp), which an integrator's server may lack.
  router.use(bodyDeadline(Math.max(config.requestTimeoutSeconds * 800, config.requestTimeoutSeconds * 1000 - 1000)));
  router.use(healthRoutes(() => ready, () => store.ping()));
  router.use(sdkAssetRoutes({ sdkDir: config.sdkDir ?? defaultSdkDir(), modelDir: config.modelDir }));
  router.use('/v1', ...originPolicy(config.security.allowedOrigins), perIpLimit(config, store), failedAuthLimit(config, store), apiKeyAuth(config.apiKeys), perApiKeyLimit(config, store));
  router.use(sessionRoutes({ config, store, faces, signingKey, metrics }));
  router.use(keyRoutes(signingKey));
  router.use(faceMatchRoutes(faces, config.image.maxBytes));
  router.use('/v1', notFound);
  router.use(errorHandler);

  return {
    config,
    router,
    ready: readyPromise,
    isReady: () => ready,
    logger,
    attachStream: (server, streamOpts) => stream.attach(server, streamOpts),
    handleUpgrade: (req, socket, head, streamOpts) => stream.handleUpgrade(req, socket, head, streamOpts),
    async close({ graceMs = 0 } = {}) {
      await Promise.all([stream.close(graceMs), gate.close(graceMs)]);
      await Promise.allSettled([pool.close(), intake.close(), store.close()]);
    },
  };
}

/**
 * A standalone app: security headers, the verifier, JSON 404 for everything
 * else. Its `listen()` also serves the browser stream; with
 * `http.createServer(app)` call `verifier.attachStream(server)` yourself.
 */
export function createApp(verifier: Verifier): express.Express {
  const app = express();
  let selfUrl = '';
  const requestTimeout = verifier.config.requestTimeoutSeconds * 1000;
  app.listen = ((...args: Parameters<Server['listen']>) => {
    // A body that never finishes (a lying Content-Length, a stalled upload) is cut
    // with a 408 after requestTimeout; Node checks every connectionsCheckingInterval.
    const server = createServer({ requestTimeout, headersTimeout: Math.min(requestTimeout, 10_000), connectionsCheckingInterval: 1000 }, app);
    server.on('clientError', answerClientError);
    verifier.attachStream(server);
    server.once('listening', () => {
      const { address, port } = server.address() as AddressInfo;
      const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
      selfUrl = `http://${host}:${port}`;
    });
    return server.listen(...args);
  }) as typeof app.listen;
  app.disable('x-powered-by');
  // The same proxies the stream believes (see config.trustProxy); REST rate limits key on req.ip.
  app.set('trust proxy', verifier.config.trustProxy);
  app.use(helmet());
  app.use(verifier.router);
  const { demo, apiKeys, image } = verifier.config;
  const demoKey = apiKeys.find((k) => k.id === demo.apiKeyId);
  if (demo.enabled && demoKey && 'key' in demoKey) {
    app.use(
      demoRoutes({
        pageDir: path.resolve(demo.pageDir),
        ...(demo.samplesDir ? { samplesDir: path.resolve(demo.samplesDir) } : {}),
        apiKey: demoKey.key,
        selfUrl: () => selfUrl,
        maxImageBytes: image.maxBytes,
      }),
    );
  }
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
