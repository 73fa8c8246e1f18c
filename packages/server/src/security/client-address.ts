import type { IncomingMessage } from 'node:http';
import { ipKeyGenerator } from 'express-rate-limit';
import proxyaddr from 'proxy-addr';
import type { Config } from '../config.js';

/** Who opened a stream, as far as the verifier can tell: the page's origin and the peer address. */
export interface StreamClient {
  /** The Origin header; undefined for non-browser clients. */
  origin?: string;
  /** `scheme://host` the request was addressed to (at the trusted proxy, if any), for the same-origin check. */
  self: string;
  /** The client's address: the TCP peer, or what trusted proxies say it is (`trustProxy`). */
  ip: string;
  /**
   * What the stream limits and the lockout count under: the address, or an
   * IPv6 client's whole /64. A device holds at least a /64 and could take a
   * new address in it for every attempt; a wider prefix (mobile carriers
   * carve one /64 per device from shared ranges) would lock out neighbours.
   */
  source: string;
}

/** Whether to believe the proxy at `addr` (hop `i` from the verifier), compiled once from `trustProxy` as Express does. */
export type ProxyTrust = (addr: string, i: number) => boolean;

export function compileProxyTrust(setting: Config['trustProxy']): ProxyTrust {
  if (typeof setting === 'boolean') return () => setting;
  if (typeof setting === 'number') return (_addr, i) => i < setting;
  return proxyaddr.compile(typeof setting === 'string' ? setting.split(',').map((s) => s.trim()) : setting);
}

export function streamClient(req: IncomingMessage, trust: ProxyTrust): StreamClient {
  const ip = req.socket.remoteAddress ? proxyaddr(req, trust) : 'unknown';
  return {
    ...(typeof req.headers.origin === 'string' ? { origin: req.headers.origin } : {}),
    self: ownOrigin(req, trust),
    ip,
    source: ipKeyGenerator(ip, 64),
  };
}

/**
 * What Express makes of `${req.protocol}://${req.host}` for REST, so that both
 * see the same own origin: behind a TLS-terminating proxy the page's origin is
 * the one the proxy was asked for. Only a proxy `trustProxy` believes may say
 * so; from anyone else the headers are the client's own word.
 */
function ownOrigin(req: IncomingMessage, trust: ProxyTrust): string {
  const peer = req.socket.remoteAddress;
  const proxied = peer !== undefined && trust(peer, 0);
  const forwarded = (name: 'x-forwarded-proto' | 'x-forwarded-host') => (proxied ? firstValue(req.headers[name]) : undefined);
  const secure = 'encrypted' in req.socket && Boolean(req.socket.encrypted);
  // Some proxies (Traefik) forward a WebSocket upgrade's scheme as ws/wss: the page's origin is http/https.
  const scheme = forwarded('x-forwarded-proto')?.replace(/^ws(s?)$/i, 'http$1');
  return `${scheme || (secure ? 'https' : 'http')}://${forwarded('x-forwarded-host') || req.headers.host || ''}`;
}

/** A proxy chain may list several values; the first is the one the client sent to the outermost proxy. */
function firstValue(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header.split(',')[0]!.trim() : undefined;
}
