import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, DEFAULT_DYNAMIC_CHALLENGE, DEFAULT_EXPRESS_CHALLENGE, dynamicSettings, expressSettings, loadConfig, parseConfig } from './config.js';
import { DEFAULT_DYNAMIC_DECISION } from './decision/dynamic.js';
import { DEFAULT_EXPRESS_DECISION } from './decision/express.js';

const base = { apiKeys: [{ id: 'k', key: 'a-key-of-sixteen-chars' }] };

test('stream limits and Express settings have defaults', () => {
  const config = parseConfig(base);
  assert.deepEqual(config.stream, { helloTimeoutMs: 5000, alignTimeoutMs: 60_000, idleTimeoutMs: 10_000, lifetimeMarginMs: 30_000, decisionTimeoutMs: 55_000, maxFrameBytes: 300 * 1024 });
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

test('Dynamic settings: defaults, then the top-level dynamic, then the use case, field by field', () => {
  assert.deepEqual(dynamicSettings(parseConfig(base)), { ...DEFAULT_DYNAMIC_CHALLENGE, decision: DEFAULT_DYNAMIC_DECISION });
  const config = parseConfig({
    ...base,
    dynamic: { count: 8, decision: { maxDelayMs: 300 } },
    useCases: { bank: { mode: 'dynamic', dynamic: { stepMs: { min: 300, max: 450 }, decision: { minSnr: 6 }, capture: { fps: 24 } } } },
  });
  const bank = dynamicSettings(config, 'bank');
  assert.equal(bank.count, 8);
  assert.deepEqual(bank.stepMs, { min: 300, max: 450 });
  assert.equal(bank.capture.fps, 24);
  assert.equal(bank.capture.maxWidth, 640);
  assert.equal(bank.decision.maxDelayMs, 300);
  assert.equal(bank.decision.minSnr, 6);
  assert.equal(bank.decision.minEffectLevels, DEFAULT_DYNAMIC_DECISION.minEffectLevels);
  assert.equal(DEFAULT_DYNAMIC_CHALLENGE.stepMs.max, 400);
});

test('invalid Dynamic settings stop the start, naming the field and the reason', () => {
  for (const [bad, field, why] of [
    [{ dynamic: { palette: [[255, 255, 255], [0, 0, 0], [0, 0, 255], [255, 0, 0]] } }, 'dynamic', /saturated red/],
    [{ dynamic: { count: 12 } }, 'dynamic', /exceeds 4000 ms/],
    [{ dynamic: { stepMs: { min: 300, max: 200 } } }, 'dynamic', /stepMs.min/],
    [{ dynamic: { stepMs: { min: 50, max: 300 } } }, 'dynamic.stepMs.min', /100/],
    [{ dynamic: { decision: { minDelayMs: 400 } } }, 'dynamic', /minDelayMs/],
    [{ dynamic: { decision: { scanMaxDelayMs: 200 } } }, 'dynamic', /scan window/],
    [{ dynamic: { decision: { absentLevels: 5 } } }, 'dynamic', /absentLevels/],
    [{ useCases: { x: { mode: 'dynamic', dynamic: { decision: { minFrames: 500 } } } } }, 'useCases.x.dynamic', /minFrames/],
    [{ dynamic: { colours: 3 } }, 'dynamic', /colours/],
  ] as const) {
    assert.throws(
      () => parseConfig({ ...base, ...bad }),
      (err: Error) => err instanceof ConfigError && err.message.includes(field) && why.test(err.message),
      `${field} ${why}`,
    );
  }
});

test("FACELIGHT_REDIS_URL replaces the file's Redis URL only, keeping its key prefix and timeout", () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'facelight-config-')), 'config.json');
  const keys = { apiKeys: [{ id: 'a', key: 'k'.repeat(24) }] };
  writeFileSync(file, JSON.stringify({ ...keys, store: { kind: 'redis', url: 'redis://file:6379', keyPrefix: 'shop:', commandTimeoutMs: 500 } }));
  assert.deepEqual(loadConfig({ FACELIGHT_REDIS_URL: 'redis://env:6379' }, file).store, { kind: 'redis', url: 'redis://env:6379', keyPrefix: 'shop:', commandTimeoutMs: 500 });
  writeFileSync(file, JSON.stringify(keys));
  const store = loadConfig({ FACELIGHT_REDIS_URL: 'redis://env:6379' }, file).store;
  assert.equal(store.kind === 'redis' && store.url, 'redis://env:6379');
});

test('a trustProxy that Express cannot compile stops the start, naming the field', () => {
  const keys = { apiKeys: [{ id: 'a', key: 'k'.repeat(24) }] };
  for (const trustProxy of ['loopbak', ['10.0.0.0/8', '300.1.1.1']]) {
    assert.throws(() => parseConfig({ ...keys, trustProxy }), (err: unknown) => err instanceof ConfigError && /trustProxy: each entry must be/.test(err.message));
  }
  for (const trustProxy of [false, 2, 'loopback, 10.0.0.0/8', ['uniquelocal', '::1']]) assert.deepEqual(parseConfig({ ...keys, trustProxy }).trustProxy, trustProxy);
});
