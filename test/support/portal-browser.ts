import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { findOnPath } from '../../src/dev/go-binary';

/** Debian's Chromium, headless, as test/temporal-ui.test.ts launches it. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findOnPath('chromium');
  assert.ok(executablePath, "Debian's chromium is needed (apt-get install chromium); npm test installs it when run as root");
  // Background networking off: this machine has no outside network, and Chromium would keep trying.
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A web page of some other site that frames a URL: `${origin}/?src=<url>` answers a page with that iframe. */
export interface ParentSite {
  origin: string;
  /** The address of a page of this site framing `src`. */
  framing(src: string): string;
  close(): Promise<void>;
}

const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Starts a {@link ParentSite} on its own 127.0.0.1 port, so it is an origin of its own. */
export async function startParentSite(): Promise<ParentSite> {
  const server = http.createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? 'about:blank';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Customer app</title><h1>Customer app</h1><iframe id="portal" title="Webhooks portal" width="1200" height="800" src="${escapeAttribute(src)}"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    framing: (src) => `${origin}/?src=${encodeURIComponent(src)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
