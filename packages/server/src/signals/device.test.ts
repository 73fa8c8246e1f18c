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

test('a phone user agent with no touch points or on a desktop or x86 platform is an emulator hint; real phones and iPads are not', () => {
  const android = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';
  const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
  const ipad = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
  const emulatorDetail = (s: Parameters<typeof assessDevice>[1]) => assessDevice('Front Camera', s).find((f) => f.signal === 'emulator')?.detail;
  assert.equal(emulatorDetail({ userAgent: android, platform: 'Linux armv8l', maxTouchPoints: 5 }), undefined);
  assert.equal(emulatorDetail({ userAgent: iphone, platform: 'iPhone', maxTouchPoints: 5 }), undefined);
  assert.equal(emulatorDetail({ userAgent: ipad, platform: 'MacIntel', maxTouchPoints: 5 }), undefined);
  assert.equal(emulatorDetail({ userAgent: android, platform: 'Linux armv8l' }), undefined, 'an unreported touch count is no evidence');
  assert.equal(emulatorDetail({ userAgent: android, platform: 'Linux aarch64', maxTouchPoints: 0 }), 'a phone user agent without touch points');
  assert.equal(emulatorDetail({ userAgent: android, platform: 'Linux x86_64', maxTouchPoints: 5 }), 'a phone user agent on platform "Linux x86_64"');
  assert.equal(emulatorDetail({ userAgent: iphone, platform: 'Win32', maxTouchPoints: 0 }), 'a phone user agent without touch points, a phone user agent on platform "Win32"');
});
