import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, createVerifier, type Verifier, type VerifierOptions } from '../src/verifier.js';
import type { ConfigInput } from '../src/config.js';
import { MODEL_DIR } from './data.js';

export const API_KEY = 'test-key-0123456789abcdef';

export interface TestServer {
  url: string;
  verifier: Verifier;
  close(): Promise<void>;
}

/**
 * Every test connects from 127.0.0.1 and many of them fail on purpose, which
 * would lock that address out within the first few: tests of the lockout
 * itself switch it back on.
 */
export const TEST_SECURITY: NonNullable<ConfigInput['security']> = { lockout: { enabled: false } };

/** A real verifier on a real loopback port, with models loaded before the first test. */
export async function startTestServer(overrides: Partial<ConfigInput> = {}, opts: VerifierOptions = {}): Promise<TestServer> {
  const config: ConfigInput = {
    apiKeys: [{ id: 'test', key: API_KEY }],
    modelDir: MODEL_DIR,
    logLevel: 'silent',
    analysisThreads: 2,
    useCases: { onboarding: { mode: 'dynamic' } },
    security: TEST_SECURITY,
    ...overrides,
  };
  const verifier = createVerifier(config, opts);
  await verifier.ready;
  const server: Server = await new Promise((resolve) => {
    const s = createApp(verifier).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    verifier,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await verifier.close();
    },
  };
}

export const auth = (key = API_KEY) => ({ authorization: `Bearer ${key}` });
