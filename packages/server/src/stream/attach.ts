import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { compileProxyTrust, streamClient } from '../security/client-address.js';
import { MAX_TEXT_BYTES, StreamConnection, type StreamDeps } from './connection.js';

export interface StreamAttachOptions {
  /** Where the verifier's router is mounted, e.g. "/facelight"; the stream is then at /facelight/v1/sessions/{id}/stream. */
  basePath?: string;
}

export interface StreamEndpoint {
  /**
   * Serves an upgrade request whose path is a session stream and returns true;
   * returns false, leaving the socket untouched, for any other path.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, opts?: StreamAttachOptions): boolean;
  /** Serves the stream on every upgrade request of `server`; other upgrade paths get a 404. */
  attach(server: Server, opts?: StreamAttachOptions): void;
  /**
   * Refuses new streams and ends the live ones (their sessions fail as
   * retryable), except that streams whose client already sent `done` may
   * finish their decision within `graceMs`.
   */
  close(graceMs?: number): Promise<void>;
}

const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** On close, how long clients get to answer the close handshake before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

export function createStreamEndpoint(deps: StreamDeps, isReady: () => boolean): StreamEndpoint {
  const trust = compileProxyTrust(deps.config.trustProxy);
  const wss = new WebSocketServer({
    noServer: true,
    // Until its challenge a stream may send nothing larger than a hello: ws cuts (1009) a larger
    // message before buffering it. The challenge raises the stream's own limit for its frames.
    maxPayload: MAX_TEXT_BYTES,
    // JPEG does not compress, and inflating is a memory risk.
    perMessageDeflate: false,
    clientTracking: false,
  });
  const connections = new Map<WebSocket, StreamConnection>();
  /** Streams whose client said `done`: a decision is running for them. */
  const deciding = new Set<WebSocket>();
  const attached = new WeakSet<Server>();
  let closed = false;

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, opts: StreamAttachOptions = {}): boolean {
    const sessionId = streamSessionId(req.url, opts.basePath);
    if (sessionId === undefined) return false;
    if (closed || !isReady()) {
      // Before the models are ready nothing is refused for its content; once stopping, the refusal is SHUTTING_DOWN's.
      if (closed) deps.metrics.streamRefused('SHUTTING_DOWN');
      refuse(socket, 503, 'Service Unavailable');
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections.set(ws, new StreamConnection(ws, sessionId, deps, streamClient(req, trust)));
      deps.metrics.streamOpened();
      ws.on('message', (data, isBinary) => {
        if (!isBinary && saysDone(data)) deciding.add(ws);
      });
      ws.once('close', () => {
        connections.delete(ws);
        deciding.delete(ws);
        deps.metrics.streamClosed();
      });
    });
    return true;
  }

  return {
    handleUpgrade,
    attach(server, opts) {
      if (attached.has(server)) return;
      attached.add(server);
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!handleUpgrade(req, socket, head, opts)) refuse(socket, 404, 'Not Found');
      });
    },
    async close(graceMs = 0) {
      closed = true;
      const decisions = [...deciding];
      await Promise.all([
        end([...connections].filter(([ws]) => !deciding.has(ws))),
        Promise.race([Promise.all(decisions.map(closedEvent)), delay(graceMs, undefined, { ref: false })]),
      ]);
      // Decisions that outlast the grace end like the others.
      await end([...connections]);
      wss.close();
    },
  };
}

async function end(live: [WebSocket, StreamConnection][]): Promise<void> {
  await Promise.all(live.map(([, connection]) => connection.shutdown()));
  // A client that never answers the close would otherwise hold its socket, and so
  // http's server.close(), for ws's 30-s close timeout.
  await Promise.race([Promise.all(live.map(([ws]) => closedEvent(ws))), delay(CLOSE_GRACE_MS, undefined, { ref: false })]);
  for (const [ws] of live) ws.terminate();
}

const closedEvent = (ws: WebSocket) => new Promise((closed) => ws.once('close', closed));

/** Whether a text message is `{"type":"done"}`; longer ones (a hello carries a kilobyte of signals) are not parsed twice. */
function saysDone(data: RawData): boolean {
  const bytes = data as Buffer;
  if (bytes.length > 64) return false;
  try {
    return (JSON.parse(bytes.toString('utf8')) as { type?: unknown } | null)?.type === 'done';
  } catch {
    return false;
  }
}

/** The session id when `url` is `{basePath}/v1/sessions/{id}/stream` (any query ignored). */
export function streamSessionId(url: string | undefined, basePath = ''): string | undefined {
  const path = (url ?? '').split('?', 1)[0]!;
  const base = basePath.replace(/\/+$/, '');
  const prefix = `${base && !base.startsWith('/') ? '/' : ''}${base}/v1/sessions/`;
  if (!path.startsWith(prefix) || !path.endsWith('/stream')) return undefined;
  const id = path.slice(prefix.length, -'/stream'.length);
  return SESSION_ID.test(id) ? id : undefined;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.on('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
