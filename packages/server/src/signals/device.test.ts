import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assessDevice, isChromiumFakeCamera } from './device.js';

const signals = (s: object = {}) => ({ webdriver: false, ...s });

test('a plain camera in a plain browser: nothing to report', () => {
  assert.deepEqual(assessDevice('Integrated Camera (04f2:b6dd)', signals({ webglRenderer: 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620)', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36' })), []);
});

test('virtual cameras in use are named; one merely installed beside a real camera is not', () => {
  for (const label of ['OBS Virtual Camera', 'ManyCam Virtual Webcam', 'XSplit VCam', 'Snap Camera', 'Dummy video device (0x0000)', 'v4l2loopback', 'fake_device_0']) {
    const found = assessDevice(label, signals());
    assert.deepEqual(found.map((f) => f.reason), ['VIRTUAL_CAMERA'], label);
  }
  assert.deepEqual(assessDevice('FaceTime HD Camera', signals({ cameraLabels: ['FaceTime HD Camera', 'OBS Virtual Camera'] })), []);
  assert.ok(isChromiumFakeCamera('fake_device_0') && !isChromiumFakeCamera('Logitech BRIO'));
});

test('automation, tampered APIs and emulators each give their reason and signal', () => {
  const found = assessDevice('Integrated Camera', {
    webdriver: true,
    automation: ['__playwright__binding__'],
    tamperedApis: ['getUserMedia'],
    webglRenderer: 'Google SwiftShader',
    userAgent: 'Mozilla/5.0 (Linux; Android 14; sdk_gphone64_x86_64) HeadlessChrome/131.0',
  });
  assert.deepEqual(found.map((f) => [f.reason, f.signal]), [
    ['AUTOMATION_DETECTED', 'automation'],
    ['INJECTION_SUSPECTED', 'tamperedApis'],
    ['INJECTION_SUSPECTED', 'emulator'],
  ]);
  assert.match(found[0]!.detail, /navigator\.webdriver, __playwright__binding__, headless user agent/);
  assert.match(found[2]!.detail, /SwiftShader.*emulator device model/);
});
