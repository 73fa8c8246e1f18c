// A minimal integrator backend: it holds the Facelight API key, creates a
// session per scan, uploads the trusted image, and reads the verdict. The
// browser page (../script-tag/index.html) only ever sees a session id and a
// client token.
//
//   FACELIGHT_URL=http://127.0.0.1:8080 FACELIGHT_API_KEY=... TRUSTED_IMAGE=photo.jpg node examples/backend/server.mjs
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import express from 'express';

const verifier = process.env.FACELIGHT_URL ?? 'http://127.0.0.1:8080';
const apiKey = process.env.FACELIGHT_API_KEY ?? 'facelight-demo-key-change-me';
const trustedImage = process.env.TRUSTED_IMAGE;
const port = Number(process.env.PORT ?? 3000);

async function facelight(method, path, body, contentType) {
  const res = await fetch(`${verifier}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  return { status: res.status, body: await res.json() };
}

const app = express();

app.post('/api/liveness', async (_req, res) => {
  const session = await facelight('POST', '/v1/sessions', JSON.stringify({ useCase: 'login' }), 'application/json');
  if (session.status !== 201) return res.status(502).json({ error: 'could not create a Facelight session' });
  if (trustedImage) {
    const upload = await facelight('PUT', `/v1/sessions/${session.body.sessionId}/trusted-image`, await readFile(trustedImage), 'application/octet-stream');
    if (upload.status !== 200) return res.status(422).json({ error: 'trusted image refused', details: upload.body });
  }
  // Only what the browser needs: never the API key. The verifier's key lets the SDK refuse a tampered challenge.
  res.json({ verifierUrl: verifier, sessionId: session.body.sessionId, clientToken: session.body.clientToken, verifierKey });
});

app.get('/api/liveness/:id', async (req, res) => {
  const result = await facelight('GET', `/v1/sessions/${encodeURIComponent(req.params.id)}/result`);
  if (result.status !== 200) return res.status(result.status).json(result.body);
  // Decide on the verifier's result here, server side: the browser's word is never trusted.
  res.json({ verified: result.body.status === 'SUCCESS', reasons: result.body.reasons });
});

// Fetched once, by the backend, over its own authenticated channel: the page gets it from here, not from the verifier.
const keys = await facelight('GET', '/v1/keys');
if (keys.status !== 200) throw new Error(`cannot read the verifier's keys: ${keys.status}`);
const verifierKey = keys.body.challengeSigning.publicKey;

// The page's script tag points at the verifier that serves the SDK, pinned to the
// build this backend ships with (the .sri file is written next to the build).
const sri = (await readFile(fileURLToPath(new URL('../../packages/web/dist/facelight.js.sri', import.meta.url)), 'utf8')).trim();
const page = (await readFile(fileURLToPath(new URL('../script-tag/index.html', import.meta.url)), 'utf8'))
  .replaceAll('http://127.0.0.1:8080', verifier)
  .replace('crossorigin="anonymous"></script>', `integrity="${sri}" crossorigin="anonymous"></script>`);
app.get('/', (_req, res) => res.type('html').send(page));

const server = app.listen(port, '127.0.0.1');
await once(server, 'listening');
console.log(`integrator backend on http://127.0.0.1:${server.address().port} (verifier ${verifier})`);
