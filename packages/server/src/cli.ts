#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { createApp, createVerifier } from './verifier.js';

const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });

let config;
try {
  config = loadConfig(process.env, values.config);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`facelight-server: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

const verifier = createVerifier(config);
const app = createApp(verifier);
const server = app.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  verifier.logger.info({ url: `http://${config.host}:${port}` }, 'facelight verifier listening');
});

verifier.ready.then(
  () => verifier.logger.info('models loaded; ready'),
  (err: unknown) => {
    verifier.logger.fatal({ err }, 'cannot load the models');
    process.exitCode = 1;
    void shutdown();
  },
);

async function shutdown(): Promise<void> {
  server.close();
  server.closeIdleConnections();
  await verifier.close();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    verifier.logger.info({ signal }, 'shutting down');
    void shutdown();
  });
}
