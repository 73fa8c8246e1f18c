import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** An info-level logger whose JSON lines are parsed into `lines`, for tests that read the audit log. */
export function capturingLogger(lines: Record<string, unknown>[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}
