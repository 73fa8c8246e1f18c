import assert from 'node:assert/strict';
import { request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, test } from 'node:test';
import express from 'express';
import type { Config } from '../config.js';
import { originPolicy } from '../http/abuse-limits.js';
import { errorHandler } from '../http/error-handler.js';
import { compileProxyTrust, streamClient } from './client-address.js';
import { originAllowed } from './origin.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/**
 * A loopback server deciding, under one `trustProxy`, whether a page is on
 * the verifier's own origin: REST through the origin policy (Express's
 * `trust proxy`), the stream through `streamClient` on an upgrade request.
 */
async function verifierBehind(trustProxy: Config['trustProxy']) {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(...originPolicy([]));
  app.get('/', (_req, res) => res.end());
  app.use(errorHandler);
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  const trust = compileProxyTrust(trustProxy);
  server.on('upgrade', (req, socket) => {
    const client = streamClient(req, trust);
    socket.end(`HTTP/1.1 ${originAllowed(client.origin, client.self, []) ? 200 : 403} Stream\r\n\r\n`);
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const sameOrigin = (headers: Record<string, string>, upgrade: boolean) =>
    new Promise<boolean>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, headers: upgrade ? { ...headers, connection: 'Upgrade', upgrade: 'websocket' } : headers });
      req.once('upgrade', (res, socket) => (socket.destroy(), resolve(res.statusCode === 200)));
      req.once('response', (res) => (res.resume(), resolve(res.statusCode === 200)));
      req.once('error', reject);
      req.end();
    });
  return { stream: (headers: Record<string, string>) => sameOrigin(headers, true), rest: (headers: Record<string, string>) => sameOrigin(headers, false) };
}

const behindTlsProxy = { host: 'verifier.example', origin: 'https://verifier.example', 'x-forwarded-proto': 'https' };

test('stream: behind a trusted TLS-terminating proxy, a page on the verifier\'s own https origin is same-origin', async () => {
  const verifier = await verifierBehind('127.0.0.1');
  assert.equal(await verifier.stream(behindTlsProxy), true);
});

test('stream: without trustProxy, X-Forwarded-Proto is the client\'s own word and is not believed', async () => {
  for (const untrusted of [false, '10.0.0.0/8'] as const) {
    const verifier = await verifierBehind(untrusted);
    assert.equal(await verifier.stream(behindTlsProxy), false, String(untrusted));
    assert.equal(await verifier.stream({ ...behindTlsProxy, origin: 'http://verifier.example' }), true, String(untrusted));
  }
});

test('REST and the stream agree on the own origin, whatever the proxy says and whether it is trusted', async () => {
  const cases: Record<string, string>[] = [
    behindTlsProxy,
    { ...behindTlsProxy, 'x-forwarded-proto': 'https, http' },
    { host: 'internal:8080', origin: 'https://verifier.example', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'verifier.example' },
    { host: 'internal:8080', origin: 'http://verifier.example:8443', 'x-forwarded-host': 'verifier.example:8443, internal:8080' },
    { host: 'internal:8080', origin: 'http://internal:8080', 'x-forwarded-host': 'verifier.example' },
    { host: 'internal:8080', origin: 'http://internal:8080' },
  ];
  for (const trustProxy of [false, true, 1, 'loopback', '127.0.0.1', ['10.0.0.0/8']]) {
    const verifier = await verifierBehind(trustProxy);
    for (const headers of cases) {
      assert.equal(await verifier.stream(headers), await verifier.rest(headers), `trustProxy ${JSON.stringify(trustProxy)}, ${JSON.stringify(headers)}`);
    }
  }
});

test('limits and the lockout count an IPv6 client by its /64, an IPv4 client by its address', () => {
  const trust = compileProxyTrust('loopback');
  const from = (forwarded: string) => streamClient({ headers: { 'x-forwarded-for': forwarded }, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage, trust);
  const a = from('2001:db8:1:2::5'), b = from('2001:db8:1:2:ff:1:2:3'), other = from('2001:db8:1:3::5');
  assert.equal(a.ip, '2001:db8:1:2::5');
  assert.equal(a.source, b.source);
  assert.notEqual(a.source, other.source);
  assert.deepEqual([from('203.0.113.7').ip, from('203.0.113.7').source], ['203.0.113.7', '203.0.113.7']);
});

test('a proxy that forwards the upgrade as wss (Traefik) still makes the https page same-origin', async () => {
  const verifier = await verifierBehind('127.0.0.1');
  assert.equal(await verifier.stream({ ...behindTlsProxy, 'x-forwarded-proto': 'wss' }), true);
});
