import { Router } from 'express';
import { ApiError } from '../http/api-error.js';

/**
 * Liveness answers while the process runs; readiness only once the models are
 * loaded and, when `storeReachable` is given, the session store answers (it
 * rejects with StoreUnavailableError, which the error handler makes a 503).
 */
export function healthRoutes(isReady: () => boolean, storeReachable?: () => Promise<void>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    if (!isReady()) throw new ApiError(503, 'NOT_READY', 'models are still loading');
    await storeReachable?.();
    res.json({ status: 'ready' });
  });
  return router;
}
