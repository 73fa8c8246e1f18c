import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import { ModeSchema } from '@facelight/protocol';
import { ApiError } from '../http/api-error.js';
import { jsonBodyLimit, parseBody } from '../http/validate.js';

export interface DemoOptions {
  /** The demo page's static files. */
  pageDir: string;
  /** A folder of sample trusted images offered on the page; optional. */
  samplesDir?: string;
  /** The integrator API key the demo backend uses; it never reaches the page. */
  apiKey: string;
  /** Base URL of this verifier's own REST API, known once the server listens. */
  selfUrl: () => string;
  maxImageBytes: number;
}

const SAMPLE_FILE = /^[\w.-]+\.(jpe?g|png|jp2|j2k)$/i;

const DemoSessionRequestSchema = z.strictObject({
  mode: ModeSchema.default('express'),
  sample: z.string().regex(SAMPLE_FILE).optional(),
  image: z.base64().optional(),
});

/**
 * The demo page and its backend. The backend plays the integrator: it holds
 * the API key and calls the public REST API over HTTP exactly as an
 * integrator's server would, so the page only ever sees a session id and a
 * client token.
 */
export function demoRoutes(opts: DemoOptions): Router {
  const router = Router();
  const samples = () => (opts.samplesDir ? listSamples(opts.samplesDir) : []);
  const api = async (method: string, route: string, body?: Buffer | string, contentType?: string) => {
    const res = await fetch(`${opts.selfUrl()}${route}`, {
      method,
      headers: { authorization: `Bearer ${opts.apiKey}`, ...(contentType ? { 'content-type': contentType } : {}) },
      ...(body === undefined ? {} : { body }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  router.get('/demo/api/samples', (_req, res) => {
    res.json({ samples: samples() });
  });

  router.get('/demo/api/samples/:name', (req, res, next) => {
    const name = samples().find((s) => s === req.params.name);
    if (!name || !opts.samplesDir) return next(new ApiError(404, 'NOT_FOUND', 'no such sample'));
    res.sendFile(path.join(opts.samplesDir, name));
  });

  router.post('/demo/api/sessions', express.json({ limit: jsonBodyLimit(opts.maxImageBytes, 1) }), async (req, res) => {
    const body = parseBody(DemoSessionRequestSchema, req.body ?? {});
    const created = await api('POST', '/v1/sessions', JSON.stringify({ mode: body.mode }), 'application/json');
    if (created.status !== 201) {
      res.status(created.status).json(created.body);
      return;
    }
    const sessionId = String(created.body.sessionId);
    let trusted: Record<string, unknown> | null = null;
    const image = body.sample
      ? await readSample(opts.samplesDir, samples(), body.sample)
      : body.image
        ? Buffer.from(body.image, 'base64')
        : undefined;
    if (image) {
      const upload = await api('PUT', `/v1/sessions/${sessionId}/trusted-image`, image, 'application/octet-stream');
      trusted = upload.body;
      if (upload.status !== 200) {
        await api('DELETE', `/v1/sessions/${sessionId}`);
        res.status(upload.status).json({ trusted });
        return;
      }
    }
    // The page pins the verifier's challenge-signing key, as an integrator's page would from its own backend.
    const keys = await api('GET', '/v1/keys');
    const verifierKey = (keys.body.challengeSigning as { publicKey?: string } | undefined)?.publicKey;
    res.status(201).json({ sessionId, clientToken: created.body.clientToken, mode: created.body.mode, trusted, verifierKey });
  });

  router.get('/demo/api/sessions/:id/result', async (req, res) => {
    const result = await api('GET', `/v1/sessions/${encodeURIComponent(req.params.id)}/result`);
    res.status(result.status).json(result.body);
  });

  router.use(
    express.static(opts.pageDir, {
      index: 'index.html',
      setHeaders: (res) => {
        // MediaPipe compiles wasm: the page's policy must allow exactly that and nothing looser.
        // connect-src data: lets MediaPipe's disabled telemetry "post" to an empty data: URL quietly.
        res.setHeader(
          'Content-Security-Policy',
          "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' data:; style-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        );
      },
    }),
  );
  return router;
}

function listSamples(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => SAMPLE_FILE.test(f)).sort();
  } catch {
    return [];
  }
}

async function readSample(dir: string | undefined, known: string[], name: string): Promise<Buffer> {
  if (!dir || !known.includes(name)) throw new ApiError(404, 'NOT_FOUND', `no sample named ${name}`);
  return readFile(path.join(dir, name));
}
