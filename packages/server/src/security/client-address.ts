import type { IncomingMessage } from 'node:http';

/** Who opened a stream, as far as the verifier can tell: the page's origin and the peer address. */
export interface StreamClient {
  /** The Origin header; undefined for non-browser clients. */
  origin?: string;
  /** `scheme://host` the request was addressed to, for the same-origin check. */
  self: string;
  /** The TCP peer. Behind a proxy this is the proxy: rate limits and lockout then need the proxy to do its share. */
  ip: string;
}

export function streamClient(req: IncomingMessage): StreamClient {
  const secure = 'encrypted' in req.socket && Boolean(req.socket.encrypted);
  return {
    ...(typeof req.headers.origin === 'string' ? { origin: req.headers.origin } : {}),
    self: `${secure ? 'https' : 'http'}://${req.headers.host ?? ''}`,
    ip: req.socket.remoteAddress ?? 'unknown',
  };
}
