import type { DeviceSignals, ResultReasonCode } from '@facelight/protocol';

/** Camera drivers that show something other than a lens in front of a face. */
const VIRTUAL_CAMERA = [
  /\bobs\b/i, /obs[- ]?virtual/i, /manycam/i, /xsplit/i, /snap camera/i, /v4l2 ?loopback/i, /\bvirtual\b/i, /\bdummy\b/i,
  /\bfake\b/i, /droidcam/i, /epoccam/i, /iriun/i, /camtwist/i, /splitcam/i, /youcam/i, /e2esoft/i, /vcam/i, /webcamoid/i, /akvirtualcamera/i,
  /nvidia broadcast/i, /mmhmm/i, /chromacam/i, /camo\b/i, /ndi webcam/i, /newtek/i, /screen ?capture/i, /unity video capture/i,
];
/** Renderers without a GPU: headless browsers, virtual machines and emulators. */
const SOFTWARE_RENDERER = [/swiftshader/i, /llvmpipe/i, /softpipe/i, /microsoft basic render/i, /\bmesa offscreen\b/i, /virtualbox/i, /vmware svga/i, /parallels/i];
/** User-agent device models of Android emulators and emulator apps. */
const EMULATOR_MODEL = [/sdk_gphone/i, /android sdk built for/i, /\bemulator\b/i, /genymotion/i, /bluestacks/i, /\bnox\b/i, /memu/i, /ldplayer/i, /\bgoldfish\b/i, /\branchu\b/i];
const HEADLESS_UA = /headlesschrome|phantomjs|slimerjs|electron\//i;

/** A label that is Chromium's own fake capture device (--use-fake-device-for-media-stream). */
export const isChromiumFakeCamera = (label: string) => /^fake_device_\d+$/i.test(label.trim()) || /^fake video/i.test(label.trim());

export interface DeviceFinding {
  reason: Extract<ResultReasonCode, 'VIRTUAL_CAMERA' | 'AUTOMATION_DETECTED' | 'INJECTION_SUSPECTED'>;
  signal: 'virtualCamera' | 'automation' | 'tamperedApis' | 'emulator';
  detail: string;
}

/**
 * What the browser's own report says about the capture device. The browser
 * can lie, so a clean report proves nothing; a report that admits a virtual
 * camera, automation or tampering is taken at its word.
 */
export function assessDevice(cameraLabel: string, signals: DeviceSignals): DeviceFinding[] {
  const findings: DeviceFinding[] = [];
  const labels = [cameraLabel, ...(signals.cameraLabels ?? [])].filter((l) => l.length > 0);
  const virtual = labels.filter((l) => VIRTUAL_CAMERA.some((re) => re.test(l)) || isChromiumFakeCamera(l));
  // Only the camera in use matters; other virtual devices installed beside a real one are common (OBS).
  if (virtual.includes(cameraLabel)) findings.push({ reason: 'VIRTUAL_CAMERA', signal: 'virtualCamera', detail: `camera "${cameraLabel}"` });

  const automation = [
    ...(signals.webdriver ? ['navigator.webdriver'] : []),
    ...(signals.automation ?? []),
    ...(signals.userAgent && HEADLESS_UA.test(signals.userAgent) ? ['headless user agent'] : []),
  ];
  if (automation.length > 0) findings.push({ reason: 'AUTOMATION_DETECTED', signal: 'automation', detail: automation.join(', ') });

  if ((signals.tamperedApis ?? []).length > 0) {
    findings.push({ reason: 'INJECTION_SUSPECTED', signal: 'tamperedApis', detail: `replaced: ${signals.tamperedApis!.join(', ')}` });
  }

  const emulator = [
    ...(signals.webglRenderer && SOFTWARE_RENDERER.some((re) => re.test(signals.webglRenderer!)) ? [`renderer "${signals.webglRenderer}"`] : []),
    ...(signals.userAgent && EMULATOR_MODEL.some((re) => re.test(signals.userAgent!)) ? ['emulator device model'] : []),
    ...phoneMismatches(signals),
  ];
  if (emulator.length > 0) findings.push({ reason: 'INJECTION_SUSPECTED', signal: 'emulator', detail: emulator.join(', ') });
  return findings;
}

const PHONE_UA = /android|iphone|ipod/i;
/** What a phone's navigator.platform never is: desktop systems, and the x86 of Android emulators (phones run ARM). */
const NOT_A_PHONE_PLATFORM = /^(win|mac)|x86|i[3-6]86/i;

/**
 * A user agent that claims a phone while the rest of the browser's report
 * says desktop or emulator: no touch points (every phone has a touchscreen),
 * or a desktop or x86 platform. A spoofed user agent, or an Android emulator
 * on a PC. (iPadOS claims a Mac and has touch points: not a mismatch here.)
 */
function phoneMismatches(signals: DeviceSignals): string[] {
  if (!signals.userAgent || !PHONE_UA.test(signals.userAgent)) return [];
  return [
    ...(signals.maxTouchPoints === 0 ? ['a phone user agent without touch points'] : []),
    ...(signals.platform && NOT_A_PHONE_PLATFORM.test(signals.platform) ? [`a phone user agent on platform "${signals.platform}"`] : []),
  ];
}
