import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Response } from 'express';

export interface SdkAssetsOptions {
  /** Folder of the web SDK's build (facelight.js, facelight.esm.js). */
  sdkDir: string;
  /** Folder holding face_landmarker.task. */
  modelDir: string;
}

const packageDir = (specifier: string) => path.dirname(fileURLToPath(import.meta.resolve(specifier)));

export const defaultSdkDir = () => packageDir('@facelight/web');
const mediapipeDir = () => packageDir('@mediapipe/tasks-vision');

/**
 * What a page needs to run the scan, served by the verifier itself so an
 * integrator adds one script tag: the SDK's script-tag build at
 * /facelight/facelight.js and MediaPipe's bundle, wasm and model under
 * /facelight/assets/. Pages on other origins load them, so they are public
 * and cross-origin readable; the wasm goes out as application/wasm so it can
 * be compiled while it streams.
 */
export function sdkAssetRoutes(opts: SdkAssetsOptions): Router {
  const router = Router();
  const crossOrigin = (res: Response) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  };
  const immutableForADay = (res: Response, file: string) => {
    crossOrigin(res);
    if (file.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
    res.setHeader('Cache-Control', 'public, max-age=86400');
  };
  const sdkFile = (name: string) => path.join(opts.sdkDir, name);
  for (const name of ['facelight.js', 'facelight.esm.js']) {
    router.get(`/facelight/${name}`, (_req, res, next) => {
      if (!existsSync(sdkFile(name))) return next();
      crossOrigin(res);
      // Unversioned URL: browsers revalidate, so an upgraded verifier serves its own SDK at once.
      res.sendFile(sdkFile(name), { headers: { 'Cache-Control': 'no-cache', 'Content-Type': 'text/javascript; charset=utf-8' } });
    });
  }
  const mp = mediapipeDir();
  let bundle: string | undefined;
  router.get('/facelight/assets/vision_bundle.mjs', (_req, res) => {
    bundle ??= withoutTelemetry(readFileSync(path.join(mp, 'vision_bundle.mjs'), 'utf8'));
    immutableForADay(res, 'vision_bundle.mjs');
    res.type('text/javascript').send(bundle);
  });
  router.use('/facelight/assets/wasm', express.static(path.join(mp, 'wasm'), { index: false, fallthrough: true, setHeaders: immutableForADay }));
  router.get('/facelight/assets/face_landmarker.task', (_req, res) => {
    immutableForADay(res, 'face_landmarker.task');
    res.sendFile(path.join(opts.modelDir, 'face_landmarker.task'), { headers: { 'Content-Type': 'application/octet-stream' } });
  });
  return router;
}

/** Where tasks-vision 1.1 posts usage statistics, with no option to turn it off. */
export const MEDIAPIPE_TELEMETRY_URL = 'https://odml.pa.googleapis.com/v1/log';

/**
 * The user's browser must talk to nobody but the verifier: the telemetry
 * endpoint becomes an empty data: URL, which the bundle "posts" to locally.
 */
export function withoutTelemetry(source: string): string {
  if (!source.includes(MEDIAPIPE_TELEMETRY_URL)) throw new Error('MediaPipe bundle changed: review its telemetry before serving it');
  return source.replaceAll(MEDIAPIPE_TELEMETRY_URL, 'data:,');
}
