// A bundled app uses the npm package: the custom element, typed options and
// events. Session creation stays in your backend (see ../../backend/server.mjs),
// which Vite proxies in development (vite.config.ts).
import '@facelight/web';
import type { FacelightCaptureElement } from '@facelight/web';

interface LivenessSession {
  verifierUrl: string;
  sessionId: string;
  clientToken: string;
}

const scan = document.getElementById('scan') as FacelightCaptureElement;
const outcome = document.getElementById('outcome')!;

scan.addEventListener('feedback', (e) => {
  outcome.textContent = `(${e.detail.code})`;
});
scan.addEventListener('complete', async (e) => {
  // The browser learns pass/fail only; the backend reads the verifier's result and decides.
  const verdict = (await (await fetch(`/api/liveness/${scan.sessionId}`)).json()) as { verified: boolean };
  outcome.textContent = verdict.verified ? 'Verified.' : `Not verified${e.detail.retry ? ` (try again: ${e.detail.retry.code})` : ''}.`;
});
scan.addEventListener('error', (e) => {
  outcome.textContent = `Could not scan: ${e.detail.code}`;
});

document.getElementById('go')!.addEventListener('click', async () => {
  const session = (await (await fetch('/api/liveness', { method: 'POST' })).json()) as LivenessSession;
  scan.serverUrl = session.verifierUrl;
  scan.sessionId = session.sessionId;
  scan.clientToken = session.clientToken;
  await scan.start();
});
