import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:port */
  readonly url: string;
  /** Stops the server (SIGTERM) and waits for it to exit; its data goes with it. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, as with a hung or unreachable host. */
  pause(): void;
  resume(): void;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

/**
 * A real, throw-away redis-server on a free loopback port, nothing saved to
 * disk. A machine without redis-server fails the test: the Redis store is
 * never tested against a fake.
 */
export async function startRedisServer(): Promise<RedisServer> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server not found on the PATH: the Redis store tests need a real Redis (Debian: apt-get install redis-server)');
  }
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'facelight-redis-'));
  let child: ChildProcess | undefined;
  // A test process that dies early must not leave a server behind.
  const killChild = () => child?.kill('SIGKILL');
  process.once('exit', killChild);

  const start = async () => {
    const spawned = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    let output = '';
    spawned.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    spawned.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<never>((_, reject) =>
      spawned.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before answering PING:\n${output}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([answersPing(port, 10_000), exited]);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
      // A paused server would hold the SIGTERM until it runs again.
      running.kill('SIGCONT');
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async close() {
      await stop();
      process.off('exit', killChild);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on (at the time of asking). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls with a bare RESP PING until the server replies +PONG. */
async function answersPing(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      let reply = '';
      socket.setTimeout(500, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => {
        reply += d.toString();
        if (reply.includes('\r\n')) socket.end();
      });
      socket.on('error', () => undefined);
      socket.on('close', () => resolve(reply.startsWith('+PONG')));
    });
    if (pong) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}
