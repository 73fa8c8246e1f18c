import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCliServer, type CliServer } from '../../packages/server/test/cli-server.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const DATA_DIR = path.resolve(process.env.FACELIGHT_TEST_DATA ?? path.join(repo, '../shared/data'));
if (!existsSync(path.join(DATA_DIR, 'faces'))) throw new Error(`test data not found at ${DATA_DIR}: set FACELIGHT_TEST_DATA`);
export const photo = (sub: string, name: string) => path.join(DATA_DIR, 'faces', sub, name);

export const E2E_API_KEY = 'e2e-key-0123456789abcdef';

/** The built CLI (what `npm start` runs) with the demo page on, on a free loopback port. */
export function startVerifier(extra: Record<string, unknown> = {}): Promise<CliServer> {
  const config = path.join(mkdtempSync(path.join(tmpdir(), 'facelight-e2e-')), 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      host: '127.0.0.1',
      apiKeys: [{ id: 'e2e', key: E2E_API_KEY }],
      useCases: { login: { mode: 'express' } },
      demo: { enabled: true, apiKeyId: 'e2e', samplesDir: path.join(DATA_DIR, 'faces', 'face_recognition') },
      // Playwright drives Chromium with its fake camera, which the verifier refuses unless told this is a test;
      // and every scan comes from 127.0.0.1, many failing on purpose, which the lockout would stop.
      security: { allowTestCamera: true, lockout: { enabled: false }, ...((extra.security as object | undefined) ?? {}) },
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'security')),
    }),
  );
  return startCliServer(['--config', config]);
}
