import { Router } from 'express';
import type { SigningKey } from '../security/signing-key.js';

/**
 * The public key that signs challenges, for the integrator to pin in the
 * SDK's `verifierKey`. Behind the API key: a page that fetched it from the
 * server it is checking would learn nothing a man in the middle could not fake.
 */
export function keyRoutes(key: SigningKey): Router {
  const router = Router();
  router.get('/v1/keys', (_req, res) => {
    res.json({ challengeSigning: { alg: 'Ed25519', publicKey: key.publicKey } });
  });
  return router;
}
