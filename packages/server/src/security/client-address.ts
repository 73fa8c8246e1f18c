import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { Config } from '../config.js';

/** Who opened a stream, as far as the verifier can tell: the page's origin and the peer address. */
export interface StreamClient {
  /** The Origin header; undefined for non-browser clients. */
  origin?: string;
  /** `scheme://host` the request was addressed to, for the same-origin check. */
  self: string;
  /** The client's address: the TCP peer, or what trusted proxies say it is (`trustProxy`). */
  ip: string;
}

/** Whether to believe the proxy at `addr` (hop `i` from the verifier), compiled once from `trustProxy` as Express does. */
export type ProxyTrust = (addr: string, i: number) => boolean;

export function compileProxyTrust(setting: Config['trustProxy']): ProxyTrust {
  if (typeof setting === 'boolean') return () => setting;
  if (typeof setting === 'number') return (_addr, i) => i < setting;
  return proxyaddr.compile(typeof setting === 'string' ? setting.split(',').map((s) => s.trim()) : setting);
}

export function streamClient(req: IncomingMessage, trust: ProxyTrust): StreamClient {
  const secure = 'encrypted' in req.socket && Boolean(req.socket.encrypted);
  return {
    ...(typeof req.headers.origin === 'string' ? { origin: req.headers.origin } : {}),
    self: `${secure ? 'https' : 'http'}://${req.headers.host ?? ''}`,
    ip: req.socket.remoteAddress ? proxyaddr(req, trust) : 'unknown',
  };
}
