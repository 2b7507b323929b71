import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { ApplicationView } from '../src/api/applications/application.view';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import { projectRoot } from '../src/paths';
import { eventually } from './support/eventually';
import { launchChromium, startParentSite, type ParentSite } from './support/portal-browser';
import { Receivers, startOutageReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const WAIT = { timeout: 30_000 };

describe('the portal in a real browser', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  let browser: Browser;
  const receivers = new Receivers();
  let receiver: TestReceiver;
  let allowedParent: ParentSite;
  let otherParent: ParentSite;
  let acme: ApplicationView;
  let globex: ApplicationView;
  /** The page of acme's people, opened from its magic link and reused by the tests that follow. */
  let acmePage: Page;
  let testDeliveryId: string;
  /** What the browser refused under the portal's Content-Security-Policy, on acme's page. */
  const violations: string[] = [];

  /** A magic link of `app`, as the operator makes it. */
  async function magicLink(app: string, expiresInSeconds = 600): Promise<string> {
    const response = await hookway.api<{ url: string; expiresAt: string }>('POST', `/v1/applications/${app}/portal`, { expiresInSeconds });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.url;
  }

  /** Goes to a view of the portal by its address, as a person typing it would. */
  async function open(page: Page, route: string): Promise<void> {
    await page.goto(`${hookway.apiUrl}/portal/#${route}`);
  }

  before(async () => {
    allowedParent = await startParentSite();
    otherParent = await startParentSite();
    hookway = await startTestHookway({ HOOKWAY_PORTAL_FRAME_ANCESTORS: `'self' ${allowedParent.origin}` });
    scenario = new Scenario(hookway);
    receiver = await receivers.start(() => ({ status: 200, body: 'thanks, received' }));
    acme = await scenario.application({ name: 'Acme Corp', uid: 'acme' });
    globex = await scenario.application({ name: 'Globex', uid: 'globex' });
    browser = await launchChromium();
    acmePage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    acmePage.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await receivers.closeAll();
    await allowedParent?.close();
    await otherParent?.close();
    await hookway?.stop();
    await hookway?.dropDatabase();
  });

  test('the page needs no token, is never cached, and its hashed assets are cached for a year', async () => {
    for (const pagePath of ['/portal', '/portal/']) {
      const page = await fetch(`${hookway.apiUrl}${pagePath}`);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cache-control'), 'no-cache');
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      const policy = page.headers.get('content-security-policy') ?? '';
      assert.match(policy, /default-src 'self'/);
      assert.match(policy, new RegExp(`frame-ancestors 'self' ${allowedParent.origin}(;|$)`));
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      const html = await page.text();
      assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');
      const assets = [...html.matchAll(/(?:src|href)="(\/portal\/assets\/[^"]+)"/g)].map((m) => m[1]);
      assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), html);
      for (const asset of assets) {
        assert.match(asset, /-[A-Za-z0-9_-]{8}\.(js|css)$/, 'hashed name');
        const file = await fetch(`${hookway.apiUrl}${asset}`);
        assert.equal(file.status, 200, asset);
        assert.equal(file.headers.get('cache-control'), 'public, max-age=31536000, immutable');
        assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
        assert.match(file.headers.get('content-type') ?? '', asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
        assert.ok((await file.arrayBuffer()).byteLength > 100);
      }
    }
    const missing = await fetch(`${hookway.apiUrl}/portal/assets/index-AAAAAAAA.js`);
    assert.equal(missing.status, 404);
    const climbing = await fetch(`${hookway.apiUrl}/portal/assets/..%2f..%2fpackage.json`);
    assert.equal(climbing.status, 404);
    // Only the portal's own files are open: the API still wants its token.
    assert.equal((await fetch(`${hookway.apiUrl}/v1/applications`)).status, 401);
    assert.equal((await fetch(`${hookway.apiUrl}/PORTAL/`)).status, 401);
  });

  test('a magic link opens the application’s endpoints and leaves the token out of the address bar', async () => {
    const link = await magicLink(acme.id);
    assert.match(link, /\/portal\/#token=hwa_/);
    await acmePage.goto(link);
    await acmePage.getByRole('heading', { name: 'Endpoints' }).waitFor(WAIT);
    await acmePage.getByRole('heading', { name: 'Acme Corp' }).waitFor(WAIT);
    assert.doesNotMatch(acmePage.url(), /token/);
    assert.match(acmePage.url(), new RegExp(`#/apps/${acme.id}/endpoints$`));
    const kept = await acmePage.evaluate<string | null>("sessionStorage.getItem('hookway.portal.token')");
    assert.match(kept ?? '', /^hwa_/);
  });

  test('adds an endpoint through the form, sends it a test event and shows it delivered with its attempt', async () => {
    const page = acmePage;
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('Description').fill('Orders service');
    await page.getByLabel('Other event types (comma-separated)').fill('order.created, order.paid');
    await page.getByLabel('Custom headers (one "Name: value" per line)').fill('X-Tenant: acme');
    await page.getByLabel('Max attempts').fill('3');
    await page.getByLabel('Initial interval (ms)').fill('100');
    await page.getByLabel('Backoff coefficient').fill('1');
    await page.getByLabel('Max interval (ms)').fill('100');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText('Endpoint added.').waitFor(WAIT);
    const secret = await page.getByLabel('Signing secret').inputValue();
    assert.match(secret, /^whsec_/);
    await page.getByRole('link', { name: 'Open endpoint' }).click();
    await page.getByRole('heading', { name: `Endpoint ${receiver.url}` }).waitFor(WAIT);

    const endpoints = await hookway.api<{ items: EndpointView[] }>('GET', `/v1/applications/${acme.id}/endpoints`);
    assert.equal(endpoints.body.items.length, 1);
    const endpoint = endpoints.body.items[0];
    assert.deepEqual(endpoint.eventTypes, ['order.created', 'order.paid']);
    assert.deepEqual(endpoint.headers, { 'x-tenant': 'acme' });
    assert.equal(endpoint.retryPolicy.maxAttempts, 3);

    await page.getByLabel('Test payload (JSON)').fill('{"order": "o_1001", "total": 42}');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const watched = page.locator('.watched');
    await watched.getByText('Delivered', { exact: true }).waitFor(WAIT);
    const attempt = watched.getByRole('table', { name: 'Attempts' }).getByRole('row').nth(1);
    await attempt.getByRole('cell', { name: '200', exact: true }).waitFor(WAIT);
    await attempt.getByText('thanks, received').waitFor(WAIT);
    assert.match((await attempt.getByRole('cell').nth(2).textContent()) ?? '', /^\d+ ms$/);

    const [request] = await receiver.waitForRequests(1);
    assert.deepEqual((request.json as { data: unknown }).data, { order: 'o_1001', total: 42 });
    assert.equal(request.headers['x-tenant'], 'acme');
    testDeliveryId = (await watched.getByRole('link', { name: /^dlv_/ }).textContent()) ?? '';
    assert.match(testDeliveryId, /^dlv_/);

    // The screenshot of docs/portal.md (copied to docs/images/portal.png): an endpoint with its delivered
    // test event and its charts.
    await page.getByText(/^1 attempt in the last 24 hours, 100% succeeded/).waitFor(WAIT);
    await page.getByRole('table', { name: 'Deliveries of this endpoint' }).getByRole('link', { name: testDeliveryId }).waitFor(WAIT);
    await page.evaluate('window.scrollTo(0, 0)');
    const image = path.join(projectRoot(), 'test-output', 'portal.png');
    fs.mkdirSync(path.dirname(image), { recursive: true });
    await page.setViewportSize({ width: 1280, height: 1900 });
    await page.screenshot({ path: image });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('dead letters show on the page; Retry, and Retry all of their endpoint, deliver them once the receiver has recovered', async () => {
    const outage = await startOutageReceiver();
    try {
      const endpoint = await scenario.endpointOf(acme.id, { url: outage.url, eventTypes: ['invoice.failed'], retryPolicy: fastRetries(2), description: 'Billing' });
      const message = await scenario.sendTo(acme.id, { eventType: 'invoice.failed', payload: { invoice: 'in_7' } });
      const second = await scenario.sendTo(acme.id, { eventType: 'invoice.failed', payload: { invoice: 'in_8' } });
      await scenario.settled(message, 'dead_lettered');
      await scenario.settled(second, 'dead_lettered');
      const page = acmePage;
      await page.getByRole('link', { name: 'Dead letters' }).click();
      await page.getByRole('heading', { name: 'Dead letters' }).waitFor(WAIT);
      const row = page.getByRole('row').filter({ hasText: message.id });
      await row.getByText(/http_503/).waitFor(WAIT);
      await row.getByRole('link', { name: endpoint.id }).waitFor(WAIT);

      outage.recover();
      // Right after dead-lettering, the run may still be closing (409 delivery_closing): the page shows
      // the API's message, and the person clicks again.
      await eventually(
        async () => {
          await row.getByRole('button', { name: 'Retry' }).click();
          const outcome = page.getByText(/^Retrying dlq_/).or(row.getByRole('alert'));
          await outcome.first().waitFor(WAIT);
          return page.getByText(/^Retrying dlq_/).isVisible();
        },
        (started) => started,
        30_000,
        500,
      );
      await page.getByLabel('Endpoint').selectOption(endpoint.id);
      await page.getByRole('button', { name: 'Retry all of this endpoint' }).click();
      await page.getByText(/^Retrying \d+ dead letters, oldest first\./).waitFor(WAIT);
      await open(page, `/apps/${acme.id}/deliveries/${second.deliveries[0].id}`);
      await page.getByText('Delivered', { exact: true }).waitFor(WAIT);

      await open(page, `/apps/${acme.id}/deliveries/${message.deliveries[0].id}`);
      await page.getByText('Delivered', { exact: true }).waitFor(WAIT);
      await page.getByRole('table', { name: 'Attempts' }).getByRole('cell', { name: '200', exact: true }).waitFor(WAIT);
      await page.getByRole('table', { name: 'Attempts' }).getByRole('cell', { name: /http_503/ }).first().waitFor(WAIT);
    } finally {
      await outage.close();
    }
  });

  test('edits an endpoint, disables and enables it, reveals and rotates its secret, and deletes it', async () => {
    const endpoint = await scenario.endpointOf(acme.id, { url: 'http://127.0.0.1:9/managed', description: 'Managed', eventTypes: ['order.created'] });
    const page = acmePage;
    const api = (): Promise<EndpointView> => hookway.api<EndpointView>('GET', `/v1/applications/${acme.id}/endpoints/${endpoint.id}`).then((r) => r.body);
    await open(page, `/apps/${acme.id}/endpoints/${endpoint.id}`);
    await page.getByRole('link', { name: 'Edit endpoint' }).click();
    // What the API refuses, the page refuses in the API's own words.
    await page.getByLabel('URL').fill('ftp://127.0.0.1/managed');
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await page.getByRole('alert').getByText('url must use http or https').waitFor(WAIT);
    await page.getByLabel('URL').fill('http://127.0.0.1:9/managed');
    await page.getByLabel('Description').fill('Managed, second edition');
    // Event types the application has used are offered as boxes to tick.
    await page.getByRole('checkbox', { name: 'order.paid' }).check();
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await page.getByRole('heading', { name: 'Endpoint http://127.0.0.1:9/managed' }).waitFor(WAIT);
    await page.getByText('Managed, second edition').waitFor(WAIT);
    const edited = await api();
    assert.equal(edited.description, 'Managed, second edition');
    assert.deepEqual([...(edited.eventTypes ?? [])].sort(), ['order.created', 'order.paid']);

    await page.getByRole('button', { name: 'Disable endpoint' }).click();
    await page.getByText('Disabled (by hand)').waitFor(WAIT);
    assert.equal((await api()).disabled, true);
    await page.getByRole('button', { name: 'Enable endpoint' }).click();
    await page.getByText('Enabled', { exact: true }).waitFor(WAIT);
    assert.equal((await api()).disabled, false);

    await page.getByRole('button', { name: 'Reveal secret' }).click();
    const secret = page.getByLabel('Secret', { exact: true });
    await secret.waitFor(WAIT);
    const shown = await secret.inputValue();
    assert.equal(shown, endpoint.secret);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('The previous secret keeps signing until').waitFor(WAIT);
    const rotated = await secret.inputValue();
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, shown);

    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor(WAIT);
    await page.getByRole('link', { name: receiver.url }).waitFor(WAIT);
    assert.equal(await page.getByRole('link', { name: 'http://127.0.0.1:9/managed' }).count(), 0);
    assert.equal((await hookway.api('GET', `/v1/applications/${acme.id}/endpoints/${endpoint.id}`)).status, 404);
  });

  test('the message log filters by event type and pages with Next and Previous; a dead letter can be discarded', async () => {
    for (let i = 0; i < 21; i += 1) await scenario.sendTo(acme.id, { eventType: 'page.check', payload: { i } });
    const page = acmePage;
    await open(page, `/apps/${acme.id}/messages`);
    await page.getByLabel('Event type').fill('page.check');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.getByRole('table', { name: 'Messages, newest first' }).getByRole('row').filter({ hasText: 'page.check' });
    await page.getByText('Page 1').waitFor(WAIT);
    await rows.nth(19).waitFor(WAIT);
    assert.equal(await rows.count(), 20);
    const newest = await rows.first().getByRole('link').textContent();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Page 2').waitFor(WAIT);
    await page.getByRole('table', { name: 'Messages, newest first' }).waitFor(WAIT);
    assert.equal(await rows.count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Next' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Page 1').waitFor(WAIT);
    await rows.nth(19).waitFor(WAIT);
    assert.equal(await rows.first().getByRole('link').textContent(), newest);
    // Filter again with the same filters: the list is read again and shows what came since.
    const later = await scenario.sendTo(acme.id, { eventType: 'page.check', payload: { i: 21 } });
    await page.getByRole('button', { name: 'Filter' }).click();
    await rows.first().getByRole('link', { name: later.id }).waitFor(WAIT);

    const down = await receivers.start(() => ({ status: 410, body: 'gone' }));
    const endpoint = await scenario.endpointOf(acme.id, { url: down.url, eventTypes: ['discard.check'], retryPolicy: fastRetries(1) });
    const message = await scenario.sendTo(acme.id, { eventType: 'discard.check', payload: {} });
    await scenario.settled(message, 'dead_lettered');
    await open(page, `/apps/${acme.id}/dead-letters`);
    await page.getByLabel('Endpoint').selectOption(endpoint.id);
    const row = page.getByRole('row').filter({ hasText: message.id });
    await row.waitFor(WAIT);
    await page.getByText('1 open dead letter.').waitFor(WAIT);
    await row.getByRole('button', { name: 'Discard' }).click();
    await page.getByText(/^Discarded dlq_/).waitFor(WAIT);
    await page.getByText('0 open dead letters.').waitFor(WAIT);
    const left = await hookway.api<{ total: number }>('GET', `/v1/applications/${acme.id}/dead-letters?endpointId=${endpoint.id}`);
    assert.equal(left.body.total, 0);
  });

  test('a link of one application shows nothing of another, also with the other’s ids typed into the address bar', async () => {
    const hidden = await scenario.endpointOf(globex.id, { url: 'http://127.0.0.1:9/globex-hidden', eventTypes: ['order.created'] });
    const message = await scenario.sendTo(globex.id, { eventType: 'order.created', payload: { secret: 'globex-only-marker' } });
    const page = acmePage;
    await open(page, `/apps/${acme.id}/endpoints`);
    await page.getByRole('link', { name: receiver.url }).waitFor(WAIT);
    await open(page, `/apps/${acme.id}/messages`);
    await page.getByRole('table', { name: 'Messages, newest first' }).waitFor(WAIT);

    for (const route of [
      `/apps/${globex.id}/endpoints`,
      `/apps/globex/endpoints`,
      `/apps/${acme.id}/endpoints/${hidden.id}`,
      `/apps/${acme.id}/messages/${message.id}`,
      `/apps/${acme.id}/deliveries/${message.deliveries[0].id}`,
    ]) {
      await open(page, route);
      // The alert of this route, naming what it asked for: an alert left from the route before proves nothing.
      const asked = route.split('/').filter(Boolean).pop() === 'endpoints' ? route.split('/')[2] : route.split('/').pop() ?? route;
      await page.getByRole('alert').filter({ hasText: 'Not found' }).filter({ hasText: asked }).waitFor(WAIT);
      const text = await page.locator('body').innerText();
      assert.ok(!text.includes('globex-hidden') && !text.includes('globex-only-marker') && !text.includes('Globex'), `${route} showed: ${text}`);
    }
  });

  test('payload markup is shown as text and runs nothing, in the payload and in the receiver’s answer', async () => {
    const html = await receivers.start(() => ({ status: 200, body: '<script>window.__pwned = "response"</script><b>bold?</b>' }));
    await scenario.endpointOf(acme.id, { url: html.url, eventTypes: ['xss.check'] });
    const payload = { note: '<img src=x onerror="window.__pwned = \'img\'">', more: '<script>window.__pwned = "script"</script>' };
    const message = await scenario.sendTo(acme.id, { eventType: 'xss.check', payload });
    await scenario.settled(message, 'succeeded');
    const page = acmePage;
    await open(page, `/apps/${acme.id}/messages/${message.id}`);
    await page.getByText('<img src=x onerror=', { exact: false }).waitFor(WAIT);
    await page.getByText('<script>window.__pwned = \\"script\\"</script>', { exact: false }).waitFor(WAIT);
    await page.getByRole('link', { name: message.deliveries[0].id }).click();
    await page.getByText('<script>window.__pwned = "response"</script><b>bold?</b>').waitFor(WAIT);
    assert.equal(await page.evaluate<string>('typeof window.__pwned'), 'undefined');
    assert.equal(await page.locator('main img, main script, main b').count(), 0);
  });

  test('an expired link says in words that it has expired', async () => {
    // Magic links live at least a minute; a token of one second, in a link made the same way, expires sooner.
    const made = await hookway.api<{ token: string }>('POST', `/v1/applications/${acme.id}/tokens`, { name: 'portal', expiresInSeconds: 1 });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const token = made.body.token;
    const link = `${hookway.apiUrl}/portal/#token=${encodeURIComponent(token)}`;
    await eventually(
      () => fetch(`${hookway.apiUrl}/v1/portal/session`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ error?: { code: string } }>),
      (body) => body.error?.code === 'token_expired',
      10_000,
    );
    const page = await browser.newPage();
    try {
      await page.goto(link);
      await page.getByRole('alert').getByText('This link has expired.').waitFor(WAIT);
      assert.doesNotMatch(page.url(), /token/);
    } finally {
      await page.close();
    }
  });

  test('a revoked link says it is not valid, and the page forgets its token', async () => {
    const made = await hookway.api<{ url: string; tokenId: string }>('POST', `/v1/applications/${acme.id}/portal`, {});
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const page = await browser.newPage();
    try {
      await page.goto(made.body.url);
      await page.getByRole('heading', { name: 'Endpoints' }).waitFor(WAIT);
      // The page's first calls answered before the token is revoked: a 401 to one still under way would sign
      // the page out before the click.
      await page.getByRole('heading', { name: 'Acme Corp' }).waitFor(WAIT);
      await page.getByRole('table', { name: 'Endpoints of this application' }).waitFor(WAIT);
      assert.equal((await hookway.api('DELETE', `/v1/applications/${acme.id}/tokens/${made.body.tokenId}`)).status, 204);
      await page.getByRole('link', { name: 'Messages' }).click();
      await page.getByRole('alert').getByText(/This link or token is not valid/).waitFor(WAIT);
      assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('hookway.portal.token')"), null);
    } finally {
      await page.close();
    }
  });

  test('the portal works in an iframe of an allowed origin and is refused in any other', async () => {
    const link = await magicLink(acme.id);
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    try {
      await page.goto(allowedParent.framing(link));
      await page.frameLocator('#portal').getByRole('heading', { name: 'Endpoints' }).waitFor(WAIT);
      await page.frameLocator('#portal').getByRole('link', { name: receiver.url }).waitFor(WAIT);

      const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 30_000 });
      await page.goto(otherParent.framing(link));
      await refused;
      await page.getByRole('heading', { name: 'Customer app' }).waitFor(WAIT);
      assert.ok(!page.frames().some((frame) => frame.url().startsWith(hookway.apiUrl)), page.frames().map((f) => f.url()).join(', '));
      assert.equal(await page.frameLocator('#portal').getByRole('heading', { name: 'Endpoints' }).count(), 0);
    } finally {
      await page.close();
    }
  });

  test('with the operator token it is the console: every application, and deliveries link to the Temporal UI', async () => {
    const delivery: DeliveryView = await scenario.delivery(testDeliveryId);
    const page = await browser.newPage();
    try {
      await page.goto(`${hookway.apiUrl}/portal`);
      await page.getByLabel('API token').fill(hookway.config.security.apiToken ?? '');
      await page.getByRole('button', { name: 'Open console' }).click();
      await page.getByRole('heading', { name: 'Applications' }).waitFor(WAIT);
      for (const name of ['Acme Corp', 'Globex', 'Default application']) await page.getByRole('link', { name, exact: true }).waitFor(WAIT);
      await page.getByRole('link', { name: 'Globex', exact: true }).click();
      await page.getByRole('link', { name: 'http://127.0.0.1:9/globex-hidden' }).waitFor(WAIT);
      await open(page, `/apps/${acme.id}/deliveries/${delivery.id}`);
      const link = page.getByRole('link', { name: 'Open workflow in Temporal UI' });
      await link.waitFor(WAIT);
      assert.equal(await link.getAttribute('href'), delivery.temporalUiUrl);
      assert.match(delivery.temporalUiUrl, new RegExp(`/workflows/${delivery.workflowId}`));
    } finally {
      await page.close();
    }
  });

  test('the operator signs out and pastes the token again in the same tab, and sees the applications', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${hookway.apiUrl}/portal/`);
      for (let round = 1; round <= 2; round += 1) {
        await page.getByLabel('API token').fill(hookway.config.security.apiToken ?? '');
        await page.getByRole('button', { name: 'Open console' }).click();
        const list = page.getByRole('link', { name: 'Acme Corp', exact: true });
        await list.or(page.getByRole('alert')).first().waitFor(WAIT);
        assert.ok(await list.isVisible(), `round ${round}: ${await page.locator('body').innerText()}`);
        if (round === 1) await page.getByRole('button', { name: 'Sign out' }).click();
      }
      // Still signed in a moment later: no refused call signed it out behind the list.
      await page.waitForTimeout(1_000);
      assert.equal(await page.getByLabel('API token').count(), 0);
      assert.ok(await page.evaluate<string | null>("sessionStorage.getItem('hookway.portal.token')"));
    } finally {
      await page.close();
    }
  });

  test('a second magic link opened in the same tab opens its own application', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(await magicLink(acme.id));
      await page.getByRole('heading', { name: 'Acme Corp' }).waitFor(WAIT);
      const second = await magicLink(globex.id);
      // Only the fragment differs: the browser does not load the page again.
      await page.evaluate(`window.location.href = ${JSON.stringify(second)}`);
      const globexHeading = page.getByRole('heading', { name: 'Globex' });
      await globexHeading.or(page.getByRole('alert')).first().waitFor(WAIT);
      assert.ok(await globexHeading.isVisible(), await page.locator('body').innerText());
      await page.getByRole('link', { name: 'http://127.0.0.1:9/globex-hidden' }).waitFor(WAIT);
      assert.doesNotMatch(page.url(), /token/);
      assert.match(page.url(), new RegExp(`#/apps/${globex.id}/endpoints$`));
      assert.equal(await page.evaluate<string | null>("sessionStorage.getItem('hookway.portal.token')"), decodeURIComponent(second.split('#token=')[1]));
    } finally {
      await page.close();
    }
  });

  test('the test event of an endpoint subscribed by a wildcard is of a concrete type, and is delivered', async () => {
    const wild = await receivers.start(() => ({ status: 200, body: 'wild ok' }));
    const onlyWildcard = await scenario.endpointOf(acme.id, { url: wild.url, eventTypes: ['invoice.*'] });
    const mixed = await scenario.endpointOf(acme.id, { url: wild.url, eventTypes: ['invoice.*', 'invoice.paid'] });
    const page = acmePage;
    await open(page, `/apps/${acme.id}/endpoints/${mixed.id}`);
    await page.getByRole('heading', { name: `Endpoint ${wild.url}` }).waitFor(WAIT);
    assert.equal(await page.getByLabel('Test event type').inputValue(), 'invoice.paid');

    await open(page, `/apps/${acme.id}/endpoints/${onlyWildcard.id}`);
    await page.getByText(onlyWildcard.id, { exact: true }).waitFor(WAIT);
    assert.equal(await page.getByLabel('Test event type').inputValue(), '');
    await page.getByRole('button', { name: 'Send test event' }).click();
    const watched = page.locator('.watched').getByText('Delivered', { exact: true });
    await watched.or(page.getByRole('alert')).first().waitFor(WAIT);
    assert.ok(await watched.isVisible(), await page.locator('main').innerText());
    const [request] = await wild.waitForRequests(1);
    assert.doesNotMatch((request.json as { type: string }).type, /\*/);
  });

  test('a filter set through the form is shown, tried on a sample and on recent messages, and keeps the other messages from the receiver', async () => {
    const billing = await receivers.start(() => ({ status: 200, body: 'billing ok' }));
    const endpoint = await scenario.endpointOf(acme.id, { url: billing.url, eventTypes: ['bill.issued'], description: 'Filtered billing' });
    const api = (): Promise<EndpointView & { filter: string | null }> =>
      hookway.api<EndpointView & { filter: string | null }>('GET', `/v1/applications/${acme.id}/endpoints/${endpoint.id}`).then((r) => r.body);
    const page = acmePage;
    await open(page, `/apps/${acme.id}/endpoints/${endpoint.id}/edit`);
    // A malformed filter is refused in the API's words, with the column of the problem.
    await page.getByLabel('Filter (CEL)').fill('data.amount > nope');
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await page.getByRole('alert').getByText(/filter is not a valid expression at column \d+/).waitFor(WAIT);
    await page.getByLabel('Filter (CEL)').fill('data.amount > 1000');
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await page.getByRole('heading', { name: `Endpoint ${billing.url}` }).waitFor(WAIT);
    await page.locator('dl.facts code').getByText('data.amount > 1000', { exact: true }).waitFor(WAIT);
    assert.equal((await api()).filter, 'data.amount > 1000');

    await page.getByLabel('Sample event type').fill('bill.issued');
    await page.getByLabel('Sample payload (JSON)').fill('{"amount": 1200}');
    await page.getByRole('button', { name: 'Try filter on the sample' }).click();
    await page.getByRole('status').getByText('Matches: event type matches: yes, filter matches: yes').waitFor(WAIT);
    await page.getByLabel('Sample payload (JSON)').fill('{"amount": 5}');
    await page.getByRole('button', { name: 'Try filter on the sample' }).click();
    await page.getByRole('status').getByText('Does not match: event type matches: yes, filter matches: no').waitFor(WAIT);
    await page.getByLabel('Sample payload (JSON)').fill('{"other": 5}');
    await page.getByRole('button', { name: 'Try filter on the sample' }).click();
    await page.getByRole('status').getByText(/^Does not match: .*filter matches: no; the filter failed: ./).waitFor(WAIT);

    const big = await scenario.sendTo(acme.id, { eventType: 'bill.issued', payload: { amount: 5000, marker: 'big' } });
    const small = await scenario.sendTo(acme.id, { eventType: 'bill.issued', payload: { amount: 10, marker: 'small' } });
    assert.equal(big.deliveries.length, 1);
    assert.equal(small.deliveries.length, 0);
    await scenario.settled(big, 'succeeded');
    await page.getByRole('button', { name: 'Try filter on the last 100 messages' }).click();
    await page.getByRole('status').getByText(/^1 of the last \d+ messages would have reached this endpoint/).waitFor(WAIT);

    await open(page, `/apps/${acme.id}/messages/${small.id}`);
    await page.getByText('1 endpoint filtered out', { exact: true }).waitFor(WAIT);
    await page.getByText('No delivery: 1 endpoint filtered out (their filter was false on it).').waitFor(WAIT);
    await open(page, `/apps/${acme.id}/messages/${big.id}`);
    await page.getByText('0 endpoints filtered out', { exact: true }).waitFor(WAIT);
    await page.getByRole('table', { name: 'Deliveries of this message' }).getByText('Delivered', { exact: true }).waitFor(WAIT);
    // Only the matching message reached the receiver: the other had no delivery to wait for, so a
    // moment's grace shows nothing else arrives.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await billing.waitForRequests(1);
    assert.deepEqual(
      billing.requests.map((r) => (r.json as { data: { marker: string } }).data.marker),
      ['big'],
    );

    // Emptied on edit, the filter is removed.
    await open(page, `/apps/${acme.id}/endpoints/${endpoint.id}/edit`);
    await page.getByLabel('Filter (CEL)').fill('');
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await page.getByRole('heading', { name: `Endpoint ${billing.url}` }).waitFor(WAIT);
    assert.equal((await api()).filter, null);
  });

  test('a pending delivery is polled less and less often, not while the tab is hidden, goes on after a failed poll, and stops after 30 minutes with a Retry', async () => {
    // Answers held 12 s: the delivery stays pending while the page watches it.
    const slow = await receivers.start(() => ({ status: 200, body: 'slow ok' }), { answerAfterMs: 12_000 });
    await scenario.endpointOf(acme.id, { url: slow.url, eventTypes: ['slow.check'], timeoutMs: 30_000 });
    const page = await browser.newPage();
    try {
      await page.goto(await magicLink(acme.id));
      await page.getByRole('heading', { name: 'Endpoints' }).waitFor(WAIT);
      const message = await scenario.sendTo(acme.id, { eventType: 'slow.check', payload: { n: 1 } });
      const deliveryPath = `/v1/deliveries/${message.deliveries[0].id}`;
      const polls: number[] = [];
      let failing = false;
      // A network failure between the browser and the API, for as long as `failing` holds.
      await page.route(`**${deliveryPath}`, (route) => (failing ? route.abort('connectionrefused') : route.continue()));
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === deliveryPath) polls.push(Date.now());
      });
      await open(page, `/apps/${acme.id}/deliveries/${message.deliveries[0].id}`);
      await page.getByText('Delivering…').waitFor(WAIT);
      const first = polls[0];
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      // 700 ms doubling: polls at 0, 0.7, 2.1 and 4.9 s; every 700 ms would be 9.
      const early = polls.filter((t) => t - first <= 6_000).length;
      assert.ok(early >= 2 && early <= 5, `${early} polls in 6 s`);
      assert.ok(await page.getByText('Delivering…').isVisible(), 'still pending while counted');

      failing = true;
      await page.getByRole('alert').getByText('The Hookway API could not be reached').waitFor(WAIT);
      failing = false;
      await page.getByText('Delivered', { exact: true }).waitFor(WAIT);
      assert.equal(await page.getByRole('alert').count(), 0);
    } finally {
      await page.close();
    }

    // A hidden tab asks nothing, and asks at once when shown again.
    const hidden = await browser.newPage();
    try {
      await hidden.goto(await magicLink(acme.id));
      await hidden.getByRole('heading', { name: 'Endpoints' }).waitFor(WAIT);
      const message = await scenario.sendTo(acme.id, { eventType: 'slow.check', payload: { n: 3 } });
      const deliveryPath = `/v1/deliveries/${message.deliveries[0].id}`;
      const polls: number[] = [];
      hidden.on('request', (request) => {
        if (new URL(request.url()).pathname === deliveryPath) polls.push(Date.now());
      });
      await open(hidden, `/apps/${acme.id}/deliveries/${message.deliveries[0].id}`);
      await hidden.getByText('Delivering…').waitFor(WAIT);
      const visibility = (state: boolean): string =>
        `Object.defineProperty(document, 'hidden', { value: ${state}, configurable: true }); document.dispatchEvent(new Event('visibilitychange'))`;
      await hidden.evaluate(visibility(true));
      const hiddenAt = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      assert.deepEqual(
        polls.filter((t) => t > hiddenAt),
        [],
        'polled while hidden',
      );
      const shownAt = Date.now();
      await hidden.evaluate(visibility(false));
      await eventually(
        async () => polls.filter((t) => t >= shownAt).length,
        (count) => count >= 1,
        2_000,
        100,
      );
    } finally {
      await hidden.close();
    }

    const clocked = await browser.newPage();
    try {
      await clocked.clock.install();
      await clocked.goto(await magicLink(acme.id));
      await clocked.getByRole('heading', { name: 'Endpoints' }).waitFor(WAIT);
      const message = await scenario.sendTo(acme.id, { eventType: 'slow.check', payload: { n: 2 } });
      await open(clocked, `/apps/${acme.id}/deliveries/${message.deliveries[0].id}`);
      await clocked.getByText('Delivering…').waitFor(WAIT);
      await clocked.clock.fastForward('30:01');
      await clocked.getByText('Stopped refreshing after 30 minutes.').waitFor(WAIT);
      await clocked.getByRole('button', { name: 'Retry' }).click();
      await clocked.getByText('Delivered', { exact: true }).waitFor(WAIT);
      assert.equal(await clocked.getByText('Stopped refreshing after 30 minutes.').count(), 0);
    } finally {
      await clocked.close();
    }
  });

  test('the endpoint form refuses retry settings outside the API’s bounds before sending them', async () => {
    const page = acmePage;
    await open(page, `/apps/${acme.id}/endpoints/new`);
    await page.getByLabel('URL').fill('http://127.0.0.1:9/bounds');
    const invalid = page.locator('form input:invalid');
    for (const [label, refused, taken] of [
      ['Max attempts', ['0', '101'], '100'],
      ['Initial interval (ms)', ['0', '86400001'], '86400000'],
      ['Backoff coefficient', ['0.5', '101'], '100'],
      ['Max interval (ms)', ['0', '604800001'], '604800000'],
    ] as const) {
      for (const value of refused) {
        await page.getByLabel(label).fill(value);
        assert.equal(await invalid.count(), 1, `${label} ${value} taken`);
      }
      await page.getByLabel(label).fill(taken);
      assert.equal(await invalid.count(), 0, `${label} ${taken} refused`);
    }
  });

  test('an application’s link shows no Temporal UI link, and nothing the page did broke its own policy', async () => {
    await open(acmePage, `/apps/${acme.id}/deliveries/${testDeliveryId}`);
    await acmePage.getByText('Delivered', { exact: true }).waitFor(WAIT);
    assert.equal(await acmePage.getByRole('link', { name: 'Open workflow in Temporal UI' }).count(), 0);
    // Charts, styles and scripts all ran under default-src 'self' without inline code.
    assert.deepEqual(violations, []);
  });
});
