import type { FeedbackCode } from '@facelight/protocol';
import type { ScanErrorDetail, ScanOptions, ScanResult } from './options.js';
import { cancelScan, runScan } from './start.js';

export const ELEMENT_NAME = 'facelight-capture';

/** The element's own events, typed for `addEventListener`. */
export interface FacelightCaptureEventMap extends Omit<HTMLElementEventMap, 'error' | 'progress'> {
  feedback: CustomEvent<{ code: FeedbackCode }>;
  progress: CustomEvent<{ fraction: number }>;
  complete: CustomEvent<ScanResult>;
  error: CustomEvent<ScanErrorDetail>;
}

// Merged into the class below: typed overloads of the inherited addEventListener and
// removeEventListener, which exist at run time (the rule guards against merged members that do not).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface FacelightCaptureElement {
  addEventListener<K extends keyof FacelightCaptureEventMap>(
    type: K,
    listener: (this: FacelightCaptureElement, event: FacelightCaptureEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof FacelightCaptureEventMap>(
    type: K,
    listener: (this: FacelightCaptureElement, event: FacelightCaptureEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
}

// Importing the SDK where there is no DOM (server rendering) must not throw.
const Base = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement;

/**
 * `<facelight-capture server-url=… session-id=… client-token=…>`: the same scan
 * as `start()`, with DOM events `feedback`, `progress`, `complete` and `error`.
 * The callbacks of ScanOptions work too, as properties.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class FacelightCaptureElement extends Base {
  // `declare`: no class-field initialisers, which would wipe values a page set before the upgrade.
  declare strings?: ScanOptions['strings'];
  declare alignTimeoutMs?: number;
  /** TEST ONLY (see ScanOptions.mediaStream). */
  declare mediaStream?: MediaStream;
  declare signal?: AbortSignal;
  declare onFeedback?: ScanOptions['onFeedback'];
  declare onProgress?: ScanOptions['onProgress'];
  declare onError?: ScanOptions['onError'];

  constructor() {
    super();
    // A property set before the element was defined hides the accessor below: move it onto the attribute.
    for (const key of ['serverUrl', 'sessionId', 'clientToken', 'verifierKey', 'assetsBaseUrl', 'locale', 'deviceId', 'photosensitivityNotice'] as const) {
      if (Object.prototype.hasOwnProperty.call(this, key)) {
        const value: unknown = this[key];
        Reflect.deleteProperty(this, key);
        Reflect.set(this, key, value);
      }
    }
  }

  // String options mirror attributes, like the properties of built-in elements.
  get serverUrl(): string | undefined {
    return this.attribute('server-url');
  }
  set serverUrl(value: string | undefined) {
    this.reflect('server-url', value);
  }
  get sessionId(): string | undefined {
    return this.attribute('session-id');
  }
  set sessionId(value: string | undefined) {
    this.reflect('session-id', value);
  }
  get clientToken(): string | undefined {
    return this.attribute('client-token');
  }
  set clientToken(value: string | undefined) {
    this.reflect('client-token', value);
  }
  get verifierKey(): string | undefined {
    return this.attribute('verifier-key');
  }
  set verifierKey(value: string | undefined) {
    this.reflect('verifier-key', value);
  }
  get assetsBaseUrl(): string | undefined {
    return this.attribute('assets-base-url');
  }
  set assetsBaseUrl(value: string | undefined) {
    this.reflect('assets-base-url', value);
  }
  get locale(): string | undefined {
    return this.attribute('locale');
  }
  set locale(value: string | undefined) {
    this.reflect('locale', value);
  }
  get deviceId(): string | undefined {
    return this.attribute('device-id');
  }
  set deviceId(value: string | undefined) {
    this.reflect('device-id', value);
  }
  /** `photosensitivity-notice="false"` turns the notice off; any other value, or none, keeps it. */
  get photosensitivityNotice(): boolean {
    return this.attribute('photosensitivity-notice') !== 'false';
  }
  set photosensitivityNotice(value: boolean | undefined) {
    this.reflect('photosensitivity-notice', value === false ? 'false' : undefined);
  }

  /** Starts a scan; also reported through the events, so the promise may be ignored. */
  start(): Promise<ScanResult> {
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const options: ScanOptions = {
      serverUrl: this.serverUrl ?? '',
      sessionId: this.sessionId ?? '',
      clientToken: this.clientToken ?? '',
      strings: this.strings,
      alignTimeoutMs: this.alignTimeoutMs,
      photosensitivityNotice: this.photosensitivityNotice,
      mediaStream: this.mediaStream,
      signal: this.signal,
      onFeedback: (code: FeedbackCode) => {
        this.onFeedback?.(code);
        this.emit('feedback', { code });
      },
      onProgress: (fraction: number) => {
        this.onProgress?.(fraction);
        this.emit('progress', { fraction });
      },
      onError: (error: ScanErrorDetail) => {
        this.onError?.(error);
        this.emit('error', error);
      },
    };
    for (const key of ['assetsBaseUrl', 'locale', 'deviceId'] as const) {
      const value = this[key];
      if (value) options[key] = value;
    }
    // Even empty: a blank key must fail the options check, not turn the signature check off.
    if (this.verifierKey !== undefined) options.verifierKey = this.verifierKey;
    const scan = runScan(root, options);
    scan.then((result) => this.emit('complete', result)).catch(() => undefined);
    return scan;
  }

  cancel(): void {
    if (this.shadowRoot) cancelScan(this.shadowRoot);
  }

  disconnectedCallback(): void {
    // Removed from the page: nobody can see the scan any more, so the camera must go.
    this.cancel();
  }

  private attribute(name: string): string | undefined {
    return this.getAttribute(name) ?? undefined;
  }

  private reflect(name: string, value: string | undefined | null): void {
    if (value === undefined || value === null) this.removeAttribute(name);
    else this.setAttribute(name, value);
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

export function defineFacelightCapture(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(ELEMENT_NAME)) {
    customElements.define(ELEMENT_NAME, FacelightCaptureElement);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    [ELEMENT_NAME]: FacelightCaptureElement;
  }
}
