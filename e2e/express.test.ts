import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './support/browser.js';
import { makeFakeCamera } from './support/fake-camera.js';
import { photo, startVerifier } from './support/verifier.js';
import type { CliServer } from '../packages/server/test/cli-server.js';

const docs = (name: string) => fileURLToPath(new URL(`../docs/${name}`, import.meta.url));

/** Face boxes of the camera photos (found once with the verifier's detector). */
const CAMERAS = {
  obama: () => makeFakeCamera(photo('face_recognition', 'obama.jpg'), { x: 382, y: 86, w: 222, h: 321 }, 'obama'),
  rose: () => makeFakeCamera(photo('face_recognition', 'rose_leslie_img1.jpg'), { x: 636, y: 72, w: 249, h: 304 }, 'rose'),
  white: () => makeFakeCamera(photo('faceapi', 'white.png'), null, 'white'),
  twoPeople: () => makeFakeCamera(photo('face_recognition', 'two_people.jpg'), null, 'two-people'),
};

let verifier: CliServer;
before(async () => {
  verifier = await startVerifier();
});
after(() => verifier.stop());

async function withBrowser<T>(opts: Parameters<typeof launchChromium>[0], fn: (page: Page) => Promise<T>): Promise<T> {
  const b: LaunchedBrowser = await launchChromium(opts);
  try {
    const page = await b.context.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(verifier.url);
    return await fn(page);
  } finally {
    await b.close();
  }
}

async function startScan(page: Page, sample: string | null) {
  if (sample) await page.locator(`input[name=sample][value="${sample}"]`).check({ force: true });
  else await page.locator('#no-trusted').check();
  await page.click('#start');
}

const outcome = (page: Page, timeout = 60_000) =>
  page.waitForFunction(() => document.body.dataset.outcome, undefined, { timeout }).then((h) => h.jsonValue() as Promise<string>);

const seenFeedback = (page: Page) => page.evaluate(() => (document.body.dataset.feedbackSeen ?? '').split(' ').filter(Boolean));

describe('Express liveness in Chromium with a fake camera', () => {
  test('the same person as the trusted image succeeds with an evidence frame', async () => {
    await withBrowser({ cameraFile: CAMERAS.obama() }, async (page) => {
      await startScan(page, 'obama2.jpg');
      await page.waitForFunction(() => document.body.dataset.lastFeedback === 'ALIGNED', undefined, { timeout: 30_000 });
      await page.screenshot({ path: docs('demo-scan.png') });
      assert.equal(await outcome(page), 'SUCCESS');
      assert.equal(await page.textContent('#result-status'), 'SUCCESS');
      assert.match((await page.textContent('#result-reasons')) ?? '', /FACE_MATCHED/);
      assert.match((await page.getAttribute('#evidence', 'src')) ?? '', /^data:image\/jpeg;base64,\/9j\//);
      await page.screenshot({ path: docs('demo-result.png'), fullPage: true });
    });
  });

  test('another person fails with the face-mismatch reason', async () => {
    await withBrowser({ cameraFile: CAMERAS.rose() }, async (page) => {
      await startScan(page, 'obama2.jpg');
      assert.equal(await outcome(page), 'FAILURE');
      assert.match((await page.textContent('#result-reasons')) ?? '', /FACE_MISMATCH/);
    });
  });

  test('a camera without a face shows the face-not-found hint, then fails cleanly', async () => {
    await withBrowser({ cameraFile: CAMERAS.white() }, async (page) => {
      await startScan(page, null);
      await page.waitForFunction(() => document.body.dataset.lastFeedback === 'FACE_NOT_FOUND', undefined, { timeout: 30_000 });
      assert.equal(await outcome(page, 90_000), 'FAILURE');
      assert.doesNotMatch((await page.textContent('#result-reasons')) ?? '', /FACE_MATCHED/);
    });
  });

  test('two people in the camera show the several-faces hint', async () => {
    await withBrowser({ cameraFile: CAMERAS.twoPeople() }, async (page) => {
      await startScan(page, null);
      await page.waitForFunction(() => document.body.dataset.lastFeedback === 'MULTIPLE_FACES', undefined, { timeout: 30_000 });
      assert.ok((await seenFeedback(page)).includes('MULTIPLE_FACES'));
    });
  });

  test('a denied camera permission gives the coded error', async () => {
    await withBrowser({ cameraFile: CAMERAS.obama(), allowCamera: false }, async (page) => {
      await startScan(page, null);
      assert.equal(await outcome(page), 'ERROR');
      assert.equal(await page.getAttribute('#errors p', 'data-code'), 'CAMERA_DENIED');
    });
  });
});
