/**
 * Whether a browser page at `origin` may use the verifier: its own pages
 * (same scheme, host and port) and the configured allowlist. No Origin header
 * means no browser page (a server, a native app), which the API key or the
 * client token authenticates instead.
 */
export function originAllowed(origin: string | undefined, self: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const normal = normalise(origin);
  if (normal === undefined) return false;
  if (self !== undefined && normal === normalise(self)) return true;
  return allowed.some((a) => normalise(a) === normal);
}

/** scheme://host[:port] in lower case with default ports dropped; undefined for anything else ("null", paths). */
function normalise(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash || url.username) return undefined;
  return url.origin;
}
