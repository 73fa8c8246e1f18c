import type { DeviceSignals } from '@facelight/protocol';
import { DRIVER_ATTRIBUTES, automationTraces, boundSignals, tamperedApis } from './hints.js';

/** enumerateDevices answers in milliseconds; one that hangs must not hold the scan up. */
const DEVICES_TIMEOUT_MS = 1000;

/**
 * What the browser says about itself and its cameras, for the verifier to
 * weigh: the SDK decides nothing from it. Run after the camera permission, so
 * the camera labels are readable without a prompt of its own. Never rejects:
 * a probe that throws is left out. `scope` is the page's global object.
 */
export async function collectSignals(scope: typeof globalThis = globalThis): Promise<DeviceSignals> {
  const nav = scope.navigator;
  const read = <T>(probe: () => T): T | undefined => {
    try {
      return probe();
    } catch {
      return undefined;
    }
  };
  const signals = {
    webdriver: read(() => nav.webdriver),
    automation: read(() => automation(scope)),
    tamperedApis: read(() => tampered(scope)),
    webglRenderer: read(() => webglRenderer(scope.document)),
    userAgent: read(() => nav.userAgent),
    platform: read(() => nav.platform),
    maxTouchPoints: read(() => nav.maxTouchPoints),
    hardwareConcurrency: read(() => nav.hardwareConcurrency),
  };
  return boundSignals({ ...signals, cameraLabels: await videoInputLabels(nav) });
}

function automation(scope: typeof globalThis): string[] {
  const root = scope.document.documentElement;
  return automationTraces({
    userAgent: String(scope.navigator.userAgent),
    windowNames: Object.getOwnPropertyNames(scope),
    documentNames: Object.getOwnPropertyNames(scope.document),
    rootAttributes: DRIVER_ATTRIBUTES.filter((name) => root.hasAttribute(name)),
  });
}

/**
 * The camera APIs and the canvas and encoding calls the frames go through,
 * whose replacement is how a page injects a video: the camera itself
 * (getUserMedia, enumerateDevices, getSettings), the frame clock
 * (requestVideoFrameCallback) and the JPEG encoder's canvas calls.
 */
function tampered(scope: typeof globalThis): string[] {
  const method = (owner: { prototype: object } | undefined, name: string): unknown =>
    owner ? (owner.prototype as Record<string, unknown>)[name] : undefined;
  const media = scope.navigator.mediaDevices as MediaDevices | undefined;
  const toString = scope.Function.prototype.toString;
  return tamperedApis(
    [
      ['toString', toString],
      ['getUserMedia', media?.getUserMedia],
      ['enumerateDevices', media?.enumerateDevices],
      ['getSettings', method(scope.MediaStreamTrack, 'getSettings')],
      ['requestVideoFrameCallback', method(scope.HTMLVideoElement, 'requestVideoFrameCallback')],
      ['getContext', method(scope.HTMLCanvasElement, 'getContext')],
      ['toBlob', method(scope.HTMLCanvasElement, 'toBlob')],
      ['convertToBlob', method(scope.OffscreenCanvas, 'convertToBlob')],
      ['drawImage', method(scope.CanvasRenderingContext2D, 'drawImage')],
      ['drawImage', method(scope.OffscreenCanvasRenderingContext2D, 'drawImage')],
    ],
    (fn) => toString.call(fn),
  );
}

/** A throwaway WebGL context's unmasked renderer: software rasterisers (SwiftShader, llvmpipe) are typical of emulators and CI. */
function webglRenderer(document: Document): string | undefined {
  const gl = document.createElement('canvas').getContext('webgl');
  if (!gl) return undefined;
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } finally {
    // Browsers cap live contexts per page; MediaPipe needs its own.
    gl.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

async function videoInputLabels(nav: Navigator): Promise<string[] | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), DEVICES_TIMEOUT_MS)));
  try {
    const devices = await Promise.race([nav.mediaDevices.enumerateDevices(), timeout]);
    return devices?.filter((d) => d.kind === 'videoinput').map((d) => d.label);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
