import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULT_EXPRESS_CHALLENGE, expressSettings, parseConfig } from './config.js';
import { DEFAULT_EXPRESS_DECISION } from './decision/express.js';

const base = { apiKeys: [{ id: 'k', key: 'a-key-of-sixteen-chars' }] };

test('stream limits and Express settings have defaults', () => {
  const config = parseConfig(base);
  assert.deepEqual(config.stream, { helloTimeoutMs: 5000, alignTimeoutMs: 60_000, idleTimeoutMs: 10_000, maxFrameBytes: 300 * 1024 });
  assert.deepEqual(expressSettings(config), { ...DEFAULT_EXPRESS_CHALLENGE, decision: DEFAULT_EXPRESS_DECISION });
});

test('a use case overrides the top-level Express settings field by field', () => {
  const config = parseConfig({
    ...base,
    express: { capture: { fps: 20 }, decision: { livenessThreshold: 0.7 } },
    useCases: { kiosk: { mode: 'express', express: { capture: { maxWidth: 480 }, oval: { w: 0.5 } } }, login: { mode: 'express' } },
  });
  const kiosk = expressSettings(config, 'kiosk');
  assert.deepEqual(kiosk.capture, { ...DEFAULT_EXPRESS_CHALLENGE.capture, fps: 20, maxWidth: 480 });
  assert.deepEqual(kiosk.oval, { ...DEFAULT_EXPRESS_CHALLENGE.oval, w: 0.5 });
  assert.equal(kiosk.decision.livenessThreshold, 0.7);
  assert.deepEqual(expressSettings(config, 'login'), expressSettings(config));
  // The defaults themselves are never changed by a merge.
  assert.equal(DEFAULT_EXPRESS_CHALLENGE.capture.fps, 15);
});

test('invalid Express and stream settings stop the start, naming the field', () => {
  for (const [bad, field] of [
    [{ express: { capture: { fps: 0 } } }, 'express.capture.fps'],
    [{ express: { capture: { colour: true } } }, 'express.capture'],
    [{ express: { oval: { w: 1.5 } } }, 'express.oval.w'],
    [{ express: { decision: { livenessThreshold: 2 } } }, 'express.decision.livenessThreshold'],
    [{ stream: { maxFrameBytes: 10 * 1024 * 1024 } }, 'stream.maxFrameBytes'],
    [{ express: { decision: { minFrames: 10 } }, useCases: { quick: { mode: 'express', express: { capture: { maxFrames: 8 } } } } }, 'useCases.quick.express'],
  ] as const) {
    assert.throws(() => parseConfig({ ...base, ...bad }), (err: Error) => err instanceof ConfigError && err.message.includes(field), field);
  }
});
