import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import { findOnPath } from '../src/dev/go-binary';
import { projectRoot } from '../src/paths';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const OUTPUT = path.join(projectRoot(), 'test-output');

describe('the Temporal Web UI as the inspection tool', () => {
  let hookway: TestHookway;
  let receiver: TestReceiver;
  let browser: Browser;

  before(async () => {
    const executablePath = findOnPath('chromium');
    assert.ok(executablePath, "Debian's chromium is needed (apt-get install chromium); npm test installs it when run as root");
    hookway = await startTestHookway();
    receiver = await startReceiver(() => ({ status: 422, body: 'unknown customer' }));
    // Background networking off: this machine has no outside network, and Chromium would keep trying.
    browser = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    fs.mkdirSync(OUTPUT, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await hookway?.stop();
    await hookway?.dropDatabase();
  });

  test('a dead-lettered delivery opens from its temporalUiUrl, shows Failed with its reason, and is found by EndpointId', async () => {
    const scenario = new Scenario(hookway);
    const endpoint = await scenario.endpoint({ url: receiver.url, eventTypes: ['ui.check'], retryPolicy: fastRetries(2) });
    const message = await scenario.send('ui.check', { customer: 'c_404' });
    const delivery: DeliveryView = await scenario.settled(message, 'dead_lettered');

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(delivery.temporalUiUrl);
    await page.getByText(delivery.workflowId).first().waitFor({ timeout: 30_000 });
    await page.getByText('Failed', { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.getByText(/http_422/).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(OUTPUT, 'temporal-ui-delivery.png'), fullPage: true });

    const query = encodeURIComponent(`EndpointId="${endpoint.id}"`);
    await page.goto(`${hookway.config.temporal.uiUrl}/namespaces/default/workflows?query=${query}`);
    await page.getByText(delivery.workflowId).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(OUTPUT, 'temporal-ui-by-endpoint.png'), fullPage: true });
    assert.ok(fs.statSync(path.join(OUTPUT, 'temporal-ui-delivery.png')).size > 10_000);
  });
});
