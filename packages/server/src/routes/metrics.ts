import { Router } from 'express';
import type { Registry } from 'prom-client';

/** Prometheus text format at GET /metrics, with no API key: restrict it at the proxy, or turn it off. */
export function metricsRoutes(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
