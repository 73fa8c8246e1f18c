import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { MODEL_DIR } from './data.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface CliServer {
  url: string;
  child: ChildProcess;
  /** Peak resident memory of the server process so far (Linux), in MB. */
  peakRssMb(): number;
  /** Every JSON log line the server writes from now on. */
  onLog(listener: (entry: Record<string, unknown>) => void): void;
  stop(): Promise<number | null>;
}

/**
 * The built `facelight-server` CLI as its own process on a free loopback
 * port, as `npm start` runs it; resolves once it reports ready.
 */
export async function startCliServer(args: string[], env: Record<string, string> = {}): Promise<CliServer> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, FACELIGHT_PORT: '0', FACELIGHT_MODEL_DIR: MODEL_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const listeners: ((entry: Record<string, unknown>) => void)[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    let found: string | undefined;
    let ready = false;
    const timer = setTimeout(() => reject(new Error(`server not ready after 30 s: ${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      for (const l of listeners) l(entry);
      if (entry.url) found = entry.url;
      if (entry.msg === 'models loaded; ready') ready = true;
      if (ready && found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  return {
    url,
    child,
    onLog(listener) {
      listeners.push(listener);
    },
    peakRssMb() {
      const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      return Number(kb) / 1024;
    },
    stop() {
      return new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    },
  };
}
