import { Scan } from './flow/scan.js';
import { checkOptions, type ScanOptions, type ScanResult, type StartOptions } from './options.js';
import { resolveStrings } from './ui/strings.js';
import { ScanView } from './ui/view.js';

const running = new WeakMap<ShadowRoot, Scan>();

/**
 * Runs one face scan in `container`. Resolves with the verifier's verdict;
 * rejects with a FacelightError (see SDK_ERROR_CODES) when the page must act:
 * no camera, a dead session, the network, a cancel.
 */
export function start(options: StartOptions): Promise<ScanResult> {
  if (!(options?.container instanceof HTMLElement)) return Promise.reject(new TypeError('Facelight: option container must be an element'));
  // A host of our own, so the scan never takes over a shadow root the page owns.
  let host = options.container.querySelector<HTMLElement>(':scope > [data-facelight]');
  if (!host) {
    host = document.createElement('div');
    host.dataset.facelight = '';
    options.container.append(host);
  }
  return runScan(host.shadowRoot ?? host.attachShadow({ mode: 'open' }), options);
}

/** Renders into `root`, cancelling any scan already running there. */
export function runScan(root: ShadowRoot, options: ScanOptions): Promise<ScanResult> {
  try {
    checkOptions(options);
  } catch (err) {
    return Promise.reject(err);
  }
  running.get(root)?.cancel('Another scan started in the same place.');
  const locale = options.locale ?? (document.documentElement.lang || navigator.language);
  const scan = new Scan(new ScanView(root, resolveStrings(locale, options.strings)), options);
  running.set(root, scan);
  return scan.run().finally(() => {
    if (running.get(root) === scan) running.delete(root);
  });
}

/** Cancels the scan running in `root`, if any. */
export function cancelScan(root: ShadowRoot): void {
  running.get(root)?.cancel();
}
