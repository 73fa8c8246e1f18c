import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCliServer, type CliServer } from '../test/cli-server.js';

export const BENCH_API_KEY = 'bench-key-0123456789abcdef';

/**
 * The built CLI as the benchmarks measure it: default configuration, 2
 * analysis threads, plus `extra` (threshold experiments). Every simulated user
 * connects from 127.0.0.1, so the per-address and per-key limits and the
 * lockout are lifted: they would otherwise measure themselves.
 */
export function startBenchVerifier(extra: object = {}): Promise<CliServer> {
  const config = path.join(mkdtempSync(path.join(tmpdir(), 'facelight-bench-')), 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      host: '127.0.0.1',
      apiKeys: [{ id: 'bench', key: BENCH_API_KEY }],
      analysisThreads: 2,
      // startCliServer waits for the info-level ready line.
      logLevel: 'info',
      security: { lockout: { enabled: false }, rateLimit: { perApiKeyPerMinute: 1_000_000, perIpPerMinute: 1_000_000, streamsPerIpPerMinute: 1_000_000 } },
      ...extra,
    }),
  );
  return startCliServer(['--config', config], { FACELIGHT_ANALYSIS_THREADS: '2' });
}
