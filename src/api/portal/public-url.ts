import { isIP } from 'node:net';

/**
 * The URL of an API that was given no `HOOKWAY_PUBLIC_URL`: the interface it binds (loopback for an
 * all-interfaces bind, which names no single address) and the port it actually listens on, which differs
 * from `PORT` when that is 0. Never a request's `Host` header: whoever sends the request chooses it, and a
 * link built from it could send the token it carries anywhere.
 */
export function boundApiUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${isIP(reachable) === 6 ? `[${reachable}]` : reachable}:${port}`;
}

/** The portal page of the API at `publicUrl`, with `token` in the fragment (never sent to a server). */
export function portalLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/portal/#token=${encodeURIComponent(token)}`;
}
