import type { RequestHandler } from 'express';

/**
 * A request body still arriving after `ms` (a Content-Length larger than what
 * is sent, a stalled upload) is answered with a coded 408 REQUEST_TIMEOUT and
 * the connection closed. Set below the HTTP server's own requestTimeout: an
 * integrator's server answers that with Node's bare 408, or has no such
 * timeout at all.
 */
export function bodyDeadline(ms: number): RequestHandler {
  return (req, res, next) => {
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.readableEnded) return next();
    const timer = setTimeout(() => {
      if (req.readableEnded || res.headersSent) return;
      res.set('Connection', 'close');
      res.status(408).json({ error: { code: 'REQUEST_TIMEOUT', message: `the request body did not arrive within ${Math.round(ms / 100) / 10} s` } });
      // The rest of the body is not waited for: the parser still reading it gives up.
      res.once('finish', () => req.destroy());
    }, ms);
    const stop = () => clearTimeout(timer);
    req.once('end', stop);
    req.once('close', stop);
    next();
  };
}
