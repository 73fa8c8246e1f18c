/**
 * The reactive test camera for Dynamic e2e tests, NODE SIDE: serves the
 * compiled simulator and the page-side camera (reactive-camera.page.ts,
 * transpiled here) at the verifier's own origin with Playwright routes, loads
 * them into the verifier's demo page, then runs a Dynamic scan there with the
 * camera passed to the SDK's test-only `mediaStream` option (the demo's own
 * form is not used: it has no way to pass a stream).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChallengeMessage } from '@facelight/protocol';
import type { FaceBox, SceneInput } from '@facelight/simulator';
import type { Page } from 'playwright-core';
import ts from 'typescript';
import { photo } from './verifier.js';

const simDist = fileURLToPath(new URL('../../packages/simulator/dist/', import.meta.url));
const pageSource = fileURLToPath(new URL('./reactive-camera.page.ts', import.meta.url));
const workerSource = fileURLToPath(new URL('./reactive-camera.worker.ts', import.meta.url));
const PREFIX = '/__e2e/';

/** The page-side camera as the browser runs it: TypeScript stripped, the simulator imported from its served copy. */
function pageModule(source: string): string {
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, verbatimModuleSyntax: false },
  });
  return outputText.replace(/from '@facelight\/simulator'/g, `from '${PREFIX}sim/index.js'`);
}

/** Loaded as a module script into the demo page (same origin, so its CSP's script-src 'self' allows it). */
const BOOT = `import { startReactiveCamera } from '${PREFIX}reactive-camera.js';
window.__e2e = { startReactiveCamera };
document.body.dataset.e2eReady = 'yes';
`;

/**
 * Serves the camera and the simulator at `origin` for this page. The page
 * itself must come from the verifier: Chromium's local-network-access checks
 * block a routed (address-less) document from opening the loopback stream.
 */
export async function routeReactiveCamera(page: Page, origin: string): Promise<void> {
  const camera = pageModule(pageSource);
  const worker = pageModule(workerSource);
  await page.route(`${origin}${PREFIX}**`, async (route) => {
    const url = new URL(route.request().url());
    const rel = url.pathname.slice(PREFIX.length);
    if (rel === 'boot.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: BOOT });
    if (rel === 'reactive-camera.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: camera });
    if (rel === 'reactive-camera.worker.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: worker });
    if (rel.startsWith('sim/') && /^[\w-]+\.js$/.test(rel.slice(4))) {
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: readFileSync(path.join(simDist, rel.slice(4))) });
    }
    if (rel.startsWith('portrait/') && /^[\w.-]+\.(jpe?g|png)$/.test(rel.slice(9))) {
      return route.fulfill({ status: 200, contentType: rel.endsWith('png') ? 'image/png' : 'image/jpeg', body: readFileSync(photo('face_recognition', rel.slice(9))) });
    }
    return route.fulfill({ status: 404, body: 'not found' });
  });
}

export interface DynamicScan {
  /** The portrait (face_recognition/) the camera films, and its face box. */
  portrait: { file: string; box: FaceBox };
  scene: SceneInput;
  /** Trusted image from the demo samples, or null for liveness only. */
  sample: string | null;
  /** Use the browser's own camera (the fake-camera file) instead of the reactive camera. */
  browserCamera?: boolean;
}

export interface DynamicOutcome {
  outcome: string;
  status?: string;
  reasons: string[];
  scores: Record<string, number>;
  retry?: string;
  sessionId?: string;
  /** `facelight:display` events seen by the camera. */
  displays: number;
  colors: number;
  framesDrawn: number;
  error?: string;
}

/**
 * Opens the scan page at the verifier, creates a Dynamic session through the
 * demo backend, runs `Facelight.start` with the reactive camera, and returns
 * the outcome with the integrator's view of the result.
 */
export async function runDynamicScan(page: Page, origin: string, scan: DynamicScan, timeoutMs = 60_000): Promise<DynamicOutcome> {
  await routeReactiveCamera(page, origin);
  // The challenge's colours, for the shuffled attack (a response recorded for them in another order).
  const challenge = new Promise<ChallengeMessage>((resolve) => {
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string') return;
        const message = JSON.parse(payload) as { type?: string };
        if (message.type === 'challenge') resolve(message as ChallengeMessage);
      }),
    );
  });
  // The demo page the verifier serves (it loads the SDK); its own form is not used.
  await page.goto(origin);
  await page.addScriptTag({ url: `${PREFIX}boot.js`, type: 'module' });
  await page.waitForFunction(() => document.body.dataset.e2eReady === 'yes' && 'Facelight' in window);
  if (scan.scene.presentation === 'shuffled') {
    void challenge.then((c) => page.evaluate(`window.__camera && window.__camera.setSequence(${JSON.stringify((c.colors ?? []).map((s) => s.rgb))})`)).catch(() => undefined);
  }
  const args = {
    sample: scan.sample,
    browserCamera: !!scan.browserCamera,
    camera: { portraitUrl: `${PREFIX}portrait/${scan.portrait.file}`, workerUrl: `${PREFIX}reactive-camera.worker.js`, box: scan.portrait.box, scene: scan.scene },
  };
  // A string, not a function: tsx would wrap inner functions in a helper the page lacks.
  const run = page.evaluate(`(async (args) => {
    const out = { outcome: 'ERROR', reasons: [], scores: {}, displays: 0, colors: 0, framesDrawn: 0 };
    let camera;
    try {
      const body = { mode: 'dynamic' };
      if (args.sample) body.sample = args.sample;
      const res = await fetch('/demo/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const session = await res.json();
      if (res.status !== 201) throw new Error('session not created: ' + res.status + ' ' + JSON.stringify(session));
      const container = document.createElement('div');
      container.id = 'e2e-scan';
      container.style.width = '640px';
      container.style.height = '560px';
      document.body.prepend(container);
      const options = { container, serverUrl: location.origin, sessionId: session.sessionId, clientToken: session.clientToken, photosensitivityNotice: false };
      if (!args.browserCamera) {
        camera = await window.__e2e.startReactiveCamera(args.camera);
        window.__camera = camera;
        options.mediaStream = camera.stream;
      }
      out.sessionId = session.sessionId;
      const result = await window.Facelight.start(options);
      out.outcome = result.status;
      if (result.retry) out.retry = result.retry.code;
      const r = await (await fetch('/demo/api/sessions/' + session.sessionId + '/result')).json();
      out.status = r.status;
      out.reasons = r.reasons || [];
      out.scores = r.scores || {};
      out.colors = (r.reflection && r.reflection.responses ? r.reflection.responses.length : 0);
    } catch (err) {
      out.error = (err && (err.code || err.message)) || String(err);
    } finally {
      if (camera) {
        out.displays = camera.displays.length;
        out.framesDrawn = camera.frames();
        camera.stop();
      }
    }
    return out;
  })(${JSON.stringify(args)})`) as Promise<DynamicOutcome>;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no Dynamic outcome after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
