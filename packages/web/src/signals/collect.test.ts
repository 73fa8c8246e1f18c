import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectSignals } from './collect.js';

const CHROME_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const UNMASKED_RENDERER_WEBGL = 0x9246;
const RENDERER = 0x1f01;

/**
 * A stand-in for the page's global object. Its "built-ins" are functions its
 * own Function.prototype.toString prints as native code, as a browser's would.
 */
function fakeBrowser() {
  const natives = new Set<unknown>();
  const native = <A extends unknown[], R>(name: string, body: (...args: A) => R = () => undefined as R) => {
    const fn = { [name]: (...args: A) => body(...args) }[name]!;
    natives.add(fn);
    return fn;
  };
  const toString = function toString(this: { name: string }) {
    return natives.has(this) ? `function ${this.name}() { [native code] }` : Function.prototype.toString.call(this);
  };
  natives.add(toString);
  const gl = {
    RENDERER,
    lost: false,
    getExtension(name: string) {
      if (name === 'WEBGL_debug_renderer_info') return { UNMASKED_RENDERER_WEBGL };
      if (name === 'WEBGL_lose_context') return { loseContext: () => (gl.lost = true) };
      return null;
    },
    getParameter: (p: number) => (p === UNMASKED_RENDERER_WEBGL ? 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620, OpenGL 4.6)' : 'WebKit WebGL'),
  };
  const devices: unknown[] = [
    { kind: 'audioinput', label: 'Built-in Microphone' },
    { kind: 'videoinput', label: 'Integrated Camera (04f2:b6dd)' },
    { kind: 'videoinput', label: 'OBS Virtual Camera' },
  ];
  const attributes: string[] = [];
  const scope: Record<string, unknown> = {
    navigator: {
      webdriver: false,
      userAgent: CHROME_UA,
      platform: 'Linux x86_64',
      maxTouchPoints: 0,
      hardwareConcurrency: 8,
      mediaDevices: {
        getUserMedia: native('getUserMedia'),
        enumerateDevices: native('enumerateDevices', () => Promise.resolve(devices)),
      },
    },
    document: {
      documentElement: { hasAttribute: (name: string) => attributes.includes(name) },
      createElement: native('createElement', () => ({ getContext: (type: string) => (type === 'webgl' ? gl : null) })),
    },
    Function: { prototype: { toString } },
    MediaStreamTrack: { prototype: { getSettings: native('getSettings') } },
    HTMLVideoElement: { prototype: { requestVideoFrameCallback: native('requestVideoFrameCallback') } },
    HTMLCanvasElement: { prototype: { getContext: native('getContext'), toBlob: native('toBlob') } },
    OffscreenCanvas: { prototype: { convertToBlob: native('convertToBlob') } },
    CanvasRenderingContext2D: { prototype: { drawImage: native('drawImage') } },
    OffscreenCanvasRenderingContext2D: { prototype: { drawImage: native('drawImage') } },
  };
  return { scope, global: scope as unknown as typeof globalThis, gl, devices, attributes };
}

test('an ordinary browser: its camera labels, renderer and properties, nothing automated or tampered', async () => {
  const browser = fakeBrowser();
  assert.deepEqual(await collectSignals(browser.global), {
    webdriver: false,
    automation: [],
    cameraLabels: ['Integrated Camera (04f2:b6dd)', 'OBS Virtual Camera'],
    tamperedApis: [],
    webglRenderer: 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620, OpenGL 4.6)',
    userAgent: CHROME_UA,
    platform: 'Linux x86_64',
    maxTouchPoints: 0,
    hardwareConcurrency: 8,
  });
  assert.equal(browser.gl.lost, true, 'the throwaway WebGL context is released');
});

test('an automated browser with a replaced camera and canvas is reported as it is', async () => {
  const browser = fakeBrowser();
  const nav = browser.scope.navigator as Record<string, unknown> & { mediaDevices: Record<string, unknown> };
  nav.webdriver = true;
  nav.userAgent = CHROME_UA.replace('Chrome/', 'HeadlessChrome/');
  nav.mediaDevices.getUserMedia = async () => 'a canvas stream';
  browser.scope.__playwright__binding__ = () => undefined;
  (browser.scope.document as Record<string, unknown>).$cdc_asdjflasutopfhvcZLmcfl_ = {};
  browser.attributes.push('webdriver');
  const canvas = browser.scope.HTMLCanvasElement as { prototype: Record<string, unknown> };
  canvas.prototype.toBlob = new Proxy(canvas.prototype.toBlob as () => void, {});

  const signals = await collectSignals(browser.global);
  assert.equal(signals.webdriver, true);
  assert.deepEqual(signals.automation, ['HeadlessChrome', 'window.__playwright__binding__', 'document.$cdc_asdjflasutopfhvcZLmcfl_', 'html[webdriver]']);
  assert.deepEqual(signals.tamperedApis, ['getUserMedia', 'toBlob']);
});

test('a probe that throws is left out and the others still report', async () => {
  const browser = fakeBrowser();
  Object.defineProperty(browser.scope.navigator, 'webdriver', {
    get() {
      throw new Error('blocked');
    },
  });
  (browser.scope.navigator as { mediaDevices: Record<string, unknown> }).mediaDevices.enumerateDevices = () => Promise.reject(new Error('denied'));
  (browser.scope.document as Record<string, unknown>).createElement = () => ({ getContext: () => null });
  const signals = await collectSignals(browser.global);
  assert.equal(signals.webdriver, undefined);
  assert.equal(signals.cameraLabels, undefined);
  assert.equal(signals.webglRenderer, undefined);
  assert.equal(signals.userAgent, CHROME_UA);
});

test('an enumerateDevices that never answers delays the hello by about a second', async () => {
  const browser = fakeBrowser();
  (browser.scope.navigator as { mediaDevices: Record<string, unknown> }).mediaDevices.enumerateDevices = () => new Promise(() => undefined);
  const started = performance.now();
  const signals = await collectSignals(browser.global);
  assert.equal(signals.cameraLabels, undefined);
  assert.ok(performance.now() - started < 1500);
});

test('without WebGL\'s debug extension the plain renderer is reported', async () => {
  const browser = fakeBrowser();
  browser.gl.getExtension = () => null;
  assert.equal((await collectSignals(browser.global)).webglRenderer, 'WebKit WebGL');
});
