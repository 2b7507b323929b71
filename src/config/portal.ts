import { ConfigError, type Env } from './env';

/** How the portal page (`/portal`) may be embedded. */
export interface PortalSettings {
  /**
   * `HOOKWAY_PORTAL_FRAME_ANCESTORS`: space-separated origins (`https://app.example.com`) whose pages may
   * show the portal in an `<iframe>`, sent as the Content-Security-Policy `frame-ancestors` directive;
   * `'self'` and `'none'` are accepted as written. @default "'self'"
   */
  frameAncestors: string[];
}

const KEYWORDS = new Set(["'self'", "'none'"]);

/**
 * One origin as a browser compares it: scheme, host and port, nothing more. Anything else (a path, a
 * wildcard, a quote or a semicolon) could change the meaning of the header it is written into.
 */
function readOrigin(name: string, value: string): string {
  if (KEYWORDS.has(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(name, `must list origins like https://app.example.com, or 'self', separated by spaces; got "${value}"`);
  }
  const plainHost = /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/i.test(url.hostname);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !plainHost || url.origin !== value.replace(/\/$/, '')) {
    throw new ConfigError(name, `must list origins (scheme, host and optional port, no path), like https://app.example.com; got "${value}"`);
  }
  return url.origin;
}

/** Reads {@link PortalSettings}. */
export function readPortalSettings(env: Env): PortalSettings {
  const raw = env['HOOKWAY_PORTAL_FRAME_ANCESTORS']?.trim();
  if (!raw) return { frameAncestors: ["'self'"] };
  const origins = raw.split(/\s+/).map((value) => readOrigin('HOOKWAY_PORTAL_FRAME_ANCESTORS', value));
  if (origins.includes("'none'") && origins.length > 1) {
    throw new ConfigError('HOOKWAY_PORTAL_FRAME_ANCESTORS', "'none' cannot be combined with other origins");
  }
  return { frameAncestors: [...new Set(origins)] };
}
