#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createApp, createVerifier, type Verifier } from './verifier.js';

const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });

let config: Config;
let verifier: Verifier;
try {
  config = loadConfig(process.env, values.config);
  // Settings that need more than their schema (the signing key) are checked as the verifier is made.
  verifier = createVerifier(config);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`facelight-server: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
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
    void shutdown(0);
  },
);

let stopping: Promise<void> | undefined;

/**
 * The port stays open until the grace is over or nothing is left running, so
 * that load balancers polling /readyz and late requests get a 503
 * SHUTTING_DOWN rather than a refused connection. Once is enough: a second
 * signal joins the shutdown under way (a second one of the same kind kills at once).
 */
function shutdown(graceMs: number): Promise<void> {
  stopping ??= verifier
    .close({ graceMs })
    .catch((err: unknown) => {
      verifier.logger.error({ err }, 'shutdown failed');
      process.exitCode = 1;
    })
    .then(() => {
      server.close();
      server.closeAllConnections();
      verifier.logger.info('stopped');
      // Whatever a client or a store connection still holds open must not keep the process.
      process.exit();
    });
  return stopping;
}

// Handled for good rather than once: as PID 1 (a container without an init)
// a signal Node no longer handles is ignored by the kernel, not fatal.
const received = new Set<NodeJS.Signals>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (received.has(signal)) {
      verifier.logger.warn({ signal }, 'second signal: stopping now');
      process.exit(1);
    }
    received.add(signal);
    verifier.logger.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'shutting down');
    void shutdown(config.shutdownGraceSeconds * 1000);
  });
}
