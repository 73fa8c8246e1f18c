import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

/**
 * The browser for the end-to-end tests, in this order: FACELIGHT_CHROMIUM,
 * Debian's /usr/bin/chromium, Playwright's own download (after
 * `npx playwright install chromium`). None found fails the test run.
 */
export function findChromium(): string {
  const candidates = [process.env.FACELIGHT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', safePlaywrightPath()];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) {
    throw new Error(
      'no Chromium for the e2e tests: install Debian\'s chromium (apt-get install chromium), run "npx playwright install chromium", or set FACELIGHT_CHROMIUM',
    );
  }
  return found;
}

function safePlaywrightPath(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** Flags that work on a closed-network, GPU-less machine (DESIGN §6). */
const BASE_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface CameraOptions {
  /** An .mjpeg or .y4m file fed as the camera. */
  cameraFile?: string;
  /** Grant camera access without a prompt (otherwise it is denied). */
  allowCamera?: boolean;
}

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(opts: CameraOptions = {}): Promise<LaunchedBrowser> {
  const args = [...BASE_ARGS, '--use-fake-device-for-media-stream'];
  if (opts.allowCamera !== false) args.push('--use-fake-ui-for-media-stream');
  if (opts.cameraFile) args.push(`--use-file-for-fake-video-capture=${opts.cameraFile}`);
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'facelight-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: findChromium(), headless: true, args, viewport: { width: 900, height: 900 } });
  return {
    browser: context.browser()!,
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
