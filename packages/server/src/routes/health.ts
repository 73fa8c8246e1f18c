import { Router } from 'express';
import { ApiError } from '../http/api-error.js';

/** Liveness answers while the process runs; readiness only once the models are loaded. */
export function healthRoutes(isReady: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, _res, next) => {
    if (!isReady()) return next(new ApiError(503, 'NOT_READY', 'models are still loading'));
    _res.json({ status: 'ready' });
  });
  return router;
}
