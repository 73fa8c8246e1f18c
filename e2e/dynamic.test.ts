import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { ATTACK_MODES, type AttackMode, type SceneInput } from '@facelight/simulator';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './support/browser.js';
import { makeFakeCamera } from './support/fake-camera.js';
import { runDynamicScan, type DynamicOutcome, type DynamicScan } from './support/reactive-camera.js';
import { photo, startVerifier } from './support/verifier.js';
import type { CliServer } from '../packages/server/test/cli-server.js';

/** The portrait the reactive camera films (face box from the verifier's detector) and a trusted image of the same person. */
const OBAMA = { file: 'obama.jpg', box: { x: 382, y: 86, w: 222, h: 321 } };
const TRUSTED = 'obama2.jpg';

/**
 * A mid-range user: a medium reflection (25 linear levels per full-scale
 * channel) in an ordinary room, with the camera's exposure and white-balance
 * loops, sway and noise on. Fixed seeds: the e2e tests are not statistics
 * (bench:pad is).
 */
const scene = (presentation: SceneInput['presentation'], extra: Partial<SceneInput> = {}): SceneInput => ({
  presentation,
  seed: 20_240,
  reflectionGain: 25,
  ambient: { level: 0.5, rgb: [1.04, 1, 0.96] },
  latencyMs: 50,
  neutral: [235, 235, 235],
  ...extra,
});

const ATTACK_SCENES: Record<AttackMode, Partial<SceneInput>> = {
  replay: {},
  photo: { motion: { px: 0, tauMs: 1000 } },
  shuffled: {},
  late: { lateMs: 700 },
  tint: {},
  flat: { flat: { kind: 'print', rect: { x: 0, y: 0, w: 1, h: 1 }, tilt: [0.05, 0.08] }, reflectionGain: 35 },
};

/** Failures that say the test itself broke, not that the defence worked. */
const NOT_A_LIVENESS_DECISION = ['NO_FACE', 'TOO_FEW_FRAMES', 'PROTOCOL_VIOLATION', 'VERIFIER_ERROR', 'CLIENT_DISCONNECTED', 'CONNECTION_UNSTABLE', 'SESSION_EXPIRED', 'FACE_MISMATCH'];

let verifier: CliServer;
let browser: LaunchedBrowser;
before(async () => {
  verifier = await startVerifier();
  // One browser for every case: the reactive camera replaces getUserMedia, and the
  // fake-camera case uses the browser's own (file-fed) camera.
  const file = makeFakeCamera(photo('face_recognition', 'obama.jpg'), OBAMA.box, 'obama');
  browser = await launchChromium({ cameraFile: file });
});
after(async () => {
  await browser?.close();
  await verifier?.stop();
});

async function scan(s: DynamicScan): Promise<DynamicOutcome> {
  const page: Page = await browser.context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  try {
    const outcome = await runDynamicScan(page, verifier.url, s);
    console.log(`${s.browserCamera ? 'fake-camera file' : s.scene.presentation}: ${JSON.stringify(outcome)}`);
    return outcome;
  } finally {
    await page.close();
  }
}

describe('Dynamic liveness in Chromium', () => {
  test('a live face under the reactive camera, matching the trusted image, succeeds', async () => {
    const o = await scan({ portrait: OBAMA, scene: scene('genuine'), sample: TRUSTED });
    assert.equal(o.error, undefined);
    assert.ok(o.displays > 0, 'the SDK announced no colour: is the facelight:display test hook there?');
    assert.equal(o.outcome, 'SUCCESS', `reasons: ${o.reasons.join(', ')}`);
    assert.equal(o.status, 'SUCCESS');
    assert.ok(o.reasons.includes('FACE_MATCHED'));
    assert.ok((o.scores.reflection ?? 0) > 0);

    // The demo plots what the backend got: emitted colours against the face's response.
    const page = await browser.context.newPage();
    try {
      await page.goto(`${verifier.url}/#result=${o.sessionId}`);
      await page.waitForFunction(() => document.getElementById('reflection')?.hidden === false, undefined, { timeout: 10_000 });
      assert.match((await page.textContent('#reflection-delay')) ?? '', /^\d+$/);
      await page.locator('#result').screenshot({ path: fileURLToPath(new URL('../docs/demo-dynamic-result.png', import.meta.url)) });
    } finally {
      await page.close();
    }
  });

  for (const mode of ATTACK_MODES) {
    test(`the ${mode} attack fails on liveness`, async () => {
      const o = await scan({ portrait: OBAMA, scene: scene(mode, ATTACK_SCENES[mode]), sample: TRUSTED });
      assert.equal(o.error, undefined);
      assert.ok(o.displays > 0, 'the SDK announced no colour');
      assert.equal(o.outcome, 'FAILURE', `reasons: ${o.reasons.join(', ')}`);
      const unrelated = o.reasons.filter((r) => NOT_A_LIVENESS_DECISION.includes(r));
      assert.deepEqual(unrelated, [], `failed for a reason that is not the attack: ${o.reasons.join(', ')}`);
    });
  }

  test("Chromium's fake-camera file cannot follow the colours and fails", async () => {
    const o = await scan({ portrait: OBAMA, scene: scene('genuine'), sample: TRUSTED, browserCamera: true });
    assert.equal(o.error, undefined);
    assert.equal(o.outcome, 'FAILURE', `reasons: ${o.reasons.join(', ')}`);
    const unrelated = o.reasons.filter((r) => NOT_A_LIVENESS_DECISION.includes(r));
    assert.deepEqual(unrelated, [], `failed for a reason that is not liveness: ${o.reasons.join(', ')}`);
  });
});
