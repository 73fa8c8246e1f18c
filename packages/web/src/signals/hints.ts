import type { DeviceSignals } from '@facelight/protocol';

/**
 * Globals and document properties that automation drivers leave behind
 * (Playwright, Puppeteer, Selenium and ChromeDriver, PhantomJS, Nightmare,
 * Chrome's own automation extension). Prefixes, not whole names, because
 * drivers suffix them with versions and random ids (`cdc_adoQpoasnfa76pfcZLmcfl_Array`).
 * `__pw` is followed by `_` or a capital, so a page's own `__pwa…` is not taken for Playwright.
 */
const DRIVER_NAMES = [
  /^__playwright/,
  /^__pw(?:_|[A-Z])/,
  /^__puppeteer/,
  /^__selenium/,
  /^_selenium/,
  /^callSelenium/,
  /^_Selenium_IDE_Recorder/,
  /^__webdriver/,
  /^__driver_/,
  /^__fxdriver/,
  /^\$?cdc_/,
  /^\$?wdc_/,
  /^callPhantom$/,
  /^_phantom$/,
  /^__nightmare/,
  /^domAutomation/,
];

/** Attributes Selenium's drivers and IDE set on `<html>`. */
export const DRIVER_ATTRIBUTES = ['webdriver', 'selenium', 'driver'] as const;

export interface AutomationScan {
  userAgent: string;
  /** Own property names of `window`, and of `document`. */
  windowNames: readonly string[];
  documentNames: readonly string[];
  /** Which of DRIVER_ATTRIBUTES `<html>` carries. */
  rootAttributes: readonly string[];
}

/** Automation traces by name, each prefixed with where it was found. */
export function automationTraces(scan: AutomationScan): string[] {
  const isDriverName = (name: string) => DRIVER_NAMES.some((pattern) => pattern.test(name));
  return [
    ...(/HeadlessChrome/.test(scan.userAgent) ? ['HeadlessChrome'] : []),
    ...scan.windowNames.filter(isDriverName).map((name) => `window.${name}`),
    ...scan.documentNames.filter(isDriverName).map((name) => `document.${name}`),
    ...scan.rootAttributes.map((name) => `html[${name}]`),
  ];
}

/**
 * Whether `source` is how browsers print the built-in function `name`:
 * `function getUserMedia() { [native code] }` (Firefox and Safari put the
 * body on its own lines). A JavaScript wrapper prints its own source, and V8
 * prints a Proxy or a bound copy of a built-in without its name, so all three
 * fail the comparison.
 */
export function looksNative(source: string, name: string): boolean {
  return source.replace(/\s+/g, '') === `function${name}(){[nativecode]}`;
}

/**
 * Names of the APIs in `apis` (`[name, the function the page now has]`) that
 * are no longer the browser's own. Absent ones are left out: a missing API is
 * the browser's, not a tamper. `stringify` is the page's
 * `Function.prototype.toString`, itself one of the APIs to check, since a
 * replaced one can make any wrapper look native.
 */
export function tamperedApis(apis: readonly (readonly [string, unknown])[], stringify: (fn: unknown) => string): string[] {
  const tampered = apis.filter(([name, fn]) => {
    if (fn === undefined) return false;
    if (typeof fn !== 'function') return true;
    try {
      return !looksNative(stringify(fn), name);
    } catch {
      // A revoked Proxy, or a toString that refuses: not the browser's own either way.
      return true;
    }
  });
  return [...new Set(tampered.map(([name]) => name))];
}

/** The signals as read: a page can redefine any navigator property, so no type is taken on trust. */
export type RawSignals = { [K in keyof DeviceSignals]?: unknown };

/** The limits of DeviceSignalsSchema: the hello is refused as a whole if any is exceeded. */
const LIMITS = { name: 64, label: 256, short: 256, userAgent: 512, items: 32, touchPoints: 1000, cores: 4096 };

/**
 * Clips every string and list to the contract's limits and drops what is
 * not of the expected type, so whatever a browser (or a page that tampered
 * with it) reports, the hello stays valid and the verifier gets the signals.
 */
export function boundSignals(raw: RawSignals): DeviceSignals {
  const text = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : undefined);
  const list = (values: unknown, max: number) =>
    Array.isArray(values)
      ? values
          .filter((v): v is string => typeof v === 'string' && v !== '')
          .slice(0, LIMITS.items)
          .map((v) => v.slice(0, max))
      : undefined;
  const count = (value: unknown, max: number) => (Number.isInteger(value) && (value as number) >= 0 ? Math.min(value as number, max) : undefined);
  return {
    webdriver: typeof raw.webdriver === 'boolean' ? raw.webdriver : undefined,
    automation: list(raw.automation, LIMITS.name),
    cameraLabels: list(raw.cameraLabels, LIMITS.label),
    tamperedApis: list(raw.tamperedApis, LIMITS.name),
    webglRenderer: text(raw.webglRenderer, LIMITS.short),
    userAgent: text(raw.userAgent, LIMITS.userAgent),
    platform: text(raw.platform, LIMITS.short),
    maxTouchPoints: count(raw.maxTouchPoints, LIMITS.touchPoints),
    hardwareConcurrency: count(raw.hardwareConcurrency, LIMITS.cores),
  };
}
