import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { portalStatic } from '../../src/api/portal/portal-static';

/** Serves `portalStatic` over a folder, with every other path answered 418 so a pass-through shows. */
async function serve(directory: string): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(portalStatic({ frameAncestors: ["'self'", 'https://app.example.com'], directory }));
  app.use((_req, res) => void res.status(418).end('passed on'));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the portal files as the API serves them', () => {
  let built: string;
  let url: string;
  let missingUrl: string;
  const servers: Server[] = [];

  before(async () => {
    built = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-portal-'));
    fs.mkdirSync(path.join(built, 'assets'));
    fs.writeFileSync(path.join(built, 'index.html'), '<!doctype html><script type="module" src="/portal/assets/index-AbCd1234.js"></script>');
    fs.writeFileSync(path.join(built, 'assets', 'index-AbCd1234.js'), 'console.log(1)');
    // A file beside the build, which a path climbing out of assets/ would reach.
    fs.writeFileSync(path.join(built, 'outside.txt'), 'not of the portal');
    const present = await serve(built);
    const absent = await serve(path.join(built, 'not-built'));
    servers.push(present.server, absent.server);
    url = present.url;
    missingUrl = absent.url;
  });
  after(() => {
    for (const server of servers) server.close();
    fs.rmSync(built, { recursive: true, force: true });
  });

  test('the page at /portal and /portal/, never cached, under the policy', async () => {
    for (const page of ['/portal', '/portal/', '/portal/index.html']) {
      const response = await fetch(`${url}${page}`);
      assert.equal(response.status, 200, page);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'self' https:\/\/app\.example\.com/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.match(await response.text(), /index-AbCd1234\.js/);
    }
    const head = await fetch(`${url}/portal/`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('assets cached for a year; nothing outside the folder; other paths and methods passed on', async () => {
    const asset = await fetch(`${url}/portal/assets/index-AbCd1234.js`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    for (const probe of ['/portal/assets/nope.js', '/portal/assets/..%2Foutside.txt', '/portal/assets/..%5Coutside.txt', '/portal/anything']) {
      const response = await fetch(`${url}${probe}`);
      assert.equal(response.status, 404, probe);
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'route_not_found');
    }
    assert.equal((await fetch(`${url}/v1/endpoints`)).status, 418);
    assert.equal((await fetch(`${url}/PORTAL/`)).status, 418);
    assert.equal((await fetch(`${url}/portal/`, { method: 'POST' })).status, 418);
  });

  test('a portal that was not built answers 503 saying how to build it', async () => {
    const response = await fetch(`${missingUrl}/portal/`);
    assert.equal(response.status, 503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'portal_not_built');
    assert.match(body.error.message, /npm run build/);
  });
});
