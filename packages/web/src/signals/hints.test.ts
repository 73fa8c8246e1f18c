import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceSignalsSchema } from '@facelight/protocol';
import { automationTraces, boundSignals, looksNative, tamperedApis } from './hints.js';

const stringify = (fn: unknown) => Function.prototype.toString.call(fn);

test('driver globals, document properties, <html> attributes and HeadlessChrome are reported by name', () => {
  const traces = automationTraces({
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
    windowNames: [
      'document',
      '__playwright__binding__',
      '__pwInitScripts',
      '__pw_resume',
      'cdc_adoQpoasnfa76pfcZLmcfl_Array',
      '__selenium_unwrapped',
      '__webdriver_evaluate',
      'callPhantom',
      '_phantom',
      '__nightmare',
      'domAutomationController',
    ],
    documentNames: ['location', '$cdc_asdjflasutopfhvcZLmcfl_', '__webdriver_script_fn'],
    rootAttributes: ['webdriver'],
  });
  assert.deepEqual(traces, [
    'HeadlessChrome',
    'window.__playwright__binding__',
    'window.__pwInitScripts',
    'window.__pw_resume',
    'window.cdc_adoQpoasnfa76pfcZLmcfl_Array',
    'window.__selenium_unwrapped',
    'window.__webdriver_evaluate',
    'window.callPhantom',
    'window._phantom',
    'window.__nightmare',
    'window.domAutomationController',
    'document.$cdc_asdjflasutopfhvcZLmcfl_',
    'document.__webdriver_script_fn',
    'html[webdriver]',
  ]);
});

test("an ordinary browser and a page's own globals leave no trace", () => {
  const traces = automationTraces({
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
    windowNames: ['document', '__pwaInstallPrompt', '__NEXT_DATA__', 'phantomOfTheOpera', '_phantomas', 'webdriverDocs', 'gtag'],
    documentNames: ['location'],
    rootAttributes: [],
  });
  assert.deepEqual(traces, []);
});

test("built-ins look native in V8; a wrapper, a Proxy and a bound copy do not", () => {
  assert.equal(looksNative(stringify(Math.max), 'max'), true);
  assert.equal(looksNative(stringify(Function.prototype.toString), 'toString'), true);
  // Firefox and Safari print the body on its own lines.
  assert.equal(looksNative('function getUserMedia() {\n    [native code]\n}', 'getUserMedia'), true);
  assert.equal(looksNative(stringify(Math.max), 'min'), false);
  assert.equal(looksNative(stringify(new Proxy(Math.max, {})), 'max'), false);
  assert.equal(looksNative(stringify(Math.max.bind(Math)), 'max'), false);
  assert.equal(looksNative(stringify(function max() {}), 'max'), false);
  assert.equal(looksNative('function max() { /* [native code] */ }', 'max'), false);
});

test('tampered APIs are named once each; absent ones are not tampered', () => {
  const wrapped = (...args: number[]) => Math.max(...args);
  const names = tamperedApis(
    [
      ['toString', Function.prototype.toString],
      ['max', Math.max],
      ['min', wrapped],
      ['getSettings', new Proxy(Math.max, {})],
      ['requestVideoFrameCallback', undefined],
      ['drawImage', wrapped],
      ['drawImage', wrapped],
      ['getContext', 'not a function'],
    ],
    stringify,
  );
  assert.deepEqual(names, ['min', 'getSettings', 'drawImage', 'getContext']);
});

test('a toString that throws (a revoked Proxy) counts as tampered', () => {
  const { proxy, revoke } = Proxy.revocable(Math.max, {});
  revoke();
  assert.deepEqual(tamperedApis([['max', proxy]], stringify), ['max']);
});

test('a toString replaced to make wrappers look native gives itself away', () => {
  // The page's toString is what the SDK has to stringify with, so the wrapper passes; the replacement does not.
  // As `Function.prototype.toString = function () {…}` leaves it: assigned to a property, the function has no name.
  const page: { toString?: (this: { name: string }) => string } = {};
  page.toString = function () {
    return `function ${this.name}() { [native code] }`;
  };
  const toString = page.toString;
  const wrapper = function getUserMedia() {};
  assert.deepEqual(tamperedApis([['toString', toString], ['getUserMedia', wrapper]], (fn) => toString.call(fn as { name: string })), ['toString']);
});

test('whatever the browser reports, the signals fit the contract', () => {
  const long = 'x'.repeat(10_000);
  const signals = boundSignals({
    webdriver: 'yes',
    automation: Array.from({ length: 100 }, (_, i) => `window.__playwright${i}${long}`),
    cameraLabels: ['FaceTime HD Camera', '', long, 42, 'OBS Virtual Camera', ...Array.from({ length: 100 }, () => 'cam')],
    tamperedApis: ['getUserMedia', long],
    webglRenderer: long,
    userAgent: long,
    platform: long,
    maxTouchPoints: 5000,
    hardwareConcurrency: -1,
  });
  assert.equal(DeviceSignalsSchema.safeParse(JSON.parse(JSON.stringify(signals))).success, true);
  assert.equal(signals.webdriver, undefined);
  assert.equal(signals.automation?.length, 32);
  assert.equal(signals.automation?.[0]?.length, 64);
  assert.deepEqual(signals.cameraLabels?.slice(0, 3), ['FaceTime HD Camera', 'x'.repeat(256), 'OBS Virtual Camera']);
  assert.equal(signals.cameraLabels?.length, 32);
  assert.deepEqual(signals.tamperedApis, ['getUserMedia', 'x'.repeat(64)]);
  assert.equal(signals.webglRenderer?.length, 256);
  assert.equal(signals.userAgent?.length, 512);
  assert.equal(signals.platform?.length, 256);
  assert.equal(signals.maxTouchPoints, 1000);
  assert.equal(signals.hardwareConcurrency, undefined);
});

test('ordinary values pass through unchanged', () => {
  const signals = {
    webdriver: false,
    automation: [],
    cameraLabels: ['Integrated Camera (04f2:b6dd)'],
    tamperedApis: [],
    webglRenderer: 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
    platform: 'Linux x86_64',
    maxTouchPoints: 0,
    hardwareConcurrency: 8,
  };
  assert.deepEqual(boundSignals(signals), signals);
});
