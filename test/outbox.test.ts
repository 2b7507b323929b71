import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { MessageView } from '../src/api/messages/message.view';
import { createLogger } from '../src/logging/logger';
import { freePort } from '../src/runtime/ports';
import { startHookway, type RunningHookway } from '../src/runtime/start-hookway';
import type { SupervisedProcess } from '../src/runtime/supervised-process';
import { temporalDevServer } from './reliability/temporal-server';
import { eventually, settle } from './support/eventually';
import { parsePrometheusText, sampleValue } from './support/prometheus-text';
import { startReceiver, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const MESSAGES = 30;
const BURST = 1_000;
const BATCH = 500;

/**
 * A Temporal of this test's own, which it stops and starts again, and an API-only Hookway on it: the
 * worker joins once Temporal is back (a worker whose Temporal is gone for long exits, as documented).
 */
describe('the outbox: producers never wait on Temporal', () => {
  let dataDir: string;
  let temporal: SupervisedProcess;
  let hookway: TestHookway;
  let worker: RunningHookway | undefined;
  let receiver: TestReceiver;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-outbox-'));
    const port = await freePort();
    temporal = await temporalDevServer(dataDir, port, () => undefined);
    await temporal.start();
    hookway = await startTestHookway({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` }, { api: true, worker: false });
    receiver = await startReceiver();
  });
  after(async () => {
    await worker?.stop();
    await hookway.stop();
    await temporal.stop();
    await receiver.close();
    await hookway.dropDatabase();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function outboxGauge(): Promise<number> {
    const response = await fetch(`${hookway.apiUrl}/metrics`);
    return sampleValue(parsePrometheusText(await response.text()), 'hookway_outbox_pending');
  }

  async function outboxStat(): Promise<number> {
    const response = await hookway.api<{ outboxPending: number }>('GET', '/v1/stats');
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.outboxPending;
  }

  test('with no worker to take them, a burst waits in the outbox rather than in Temporal, and is delivered once a worker comes', async () => {
    const endpoint = await new Scenario(hookway).endpoint({ url: receiver.url, eventTypes: ['outbox.burst'] });
    const ids: string[] = [];
    for (let batch = 0; batch < BURST / BATCH; batch += 1) {
      const messages = Array.from({ length: BATCH }, (_, i) => ({ id: `evt_burst_${batch * BATCH + i}`, eventType: 'outbox.burst', payload: { n: batch * BATCH + i } }));
      const response = await hookway.api<{ data: { status: number }[] }>('POST', '/v1/messages/batch', { messages });
      assert.equal(response.status, 207, JSON.stringify(response.body));
      ids.push(...messages.map((m) => m.id));
    }
    // Started as fast as Temporal takes them, the whole burst would leave the outbox; with nothing polling
    // the task queue, the start gate keeps all but its bound (and what a stale reading lets by) in
    // PostgreSQL. Read once the outbox has stopped moving.
    let waiting = await outboxStat();
    for (let still = 0; still < 3; ) {
      await settle(2_000);
      const now = await outboxStat();
      still = now === waiting ? still + 1 : 0;
      waiting = now;
    }
    assert.ok(waiting >= BURST / 2, `${BURST - waiting} of ${BURST} deliveries were handed to a Temporal without a worker`);

    // A message to another endpoint, sent after the burst, waits behind the burst's share only: the outbox
    // is claimed a share per endpoint, not oldest first.
    await new Scenario(hookway).endpoint({ url: `${receiver.url}/other`, eventTypes: ['outbox.other'] });
    assert.equal((await hookway.api('POST', '/v1/messages', { id: 'evt_after_burst', eventType: 'outbox.other', payload: {} })).status, 202);

    worker = await startHookway(hookway.config, createLogger('test', hookway.config.logLevel), { api: false, worker: true });
    const requests = await receiver.waitForRequests(BURST + 1, 120_000);
    await eventually(() => outboxStat(), (n) => n === 0, 30_000);
    await settle(1_000);
    assert.equal(receiver.requests.length, BURST + 1, 'each delivered once');
    const position = requests.findIndex((r) => r.headers['webhook-id'] === 'evt_after_burst');
    assert.ok(position >= 0 && position < BURST / 2, `the other endpoint's message arrived as request ${position + 1} of ${BURST + 1}, behind the burst`);
    assert.equal(requests[position].path, '/webhook/other');
    assert.deepEqual(new Set(requests.filter((r) => r.path !== '/webhook/other').map((r) => r.headers['webhook-id'])), new Set(ids));
    const burstRequest = requests.find((r) => r.path !== '/webhook/other');
    assert.ok(burstRequest);
    new Webhook(endpoint.secret ?? '').verify(burstRequest.rawBody, burstRequest.headers);
    await worker.stop();
    worker = undefined;
    receiver.requests.length = 0;
  });

  test('while Temporal is down every POST answers 202 at once and the backlog shows; once it is back each message is delivered exactly once', async () => {
    const endpoint = await new Scenario(hookway).endpoint({ url: receiver.url, eventTypes: ['outbox.case'] });
    await temporal.kill();

    const answers: { status: number; ms: number; body: MessageView }[] = [];
    for (let i = 0; i < MESSAGES; i += 1) {
      const sent = Date.now();
      const response = await hookway.api<MessageView>('POST', '/v1/messages', { id: `evt_outbox_${i}`, eventType: 'outbox.case', payload: { n: i } });
      answers.push({ status: response.status, ms: Date.now() - sent, body: response.body });
    }
    assert.deepEqual(
      answers.filter((a) => a.status !== 202).map((a) => a.status),
      [],
      'no message is refused while Temporal is down',
    );
    const slowest = Math.max(...answers.map((a) => a.ms));
    assert.ok(slowest < 2_000, `the slowest POST took ${slowest} ms: the API waited on Temporal`);
    assert.equal(await outboxStat(), MESSAGES, 'GET /v1/stats shows every delivery waiting to start');
    assert.equal(await outboxGauge(), MESSAGES, 'hookway_outbox_pending shows every delivery waiting to start');

    // A repeat while Temporal is down is answered from PostgreSQL too, and owes nothing more.
    const repeat = await hookway.api<MessageView>('POST', '/v1/messages', { id: 'evt_outbox_0', eventType: 'outbox.case', payload: { changed: true } });
    assert.equal(repeat.status, 202);
    assert.deepEqual(repeat.body.payload, { n: 0 });
    assert.equal(await outboxStat(), MESSAGES);

    await settle(2_000);
    await temporal.start();
    worker = await startHookway(hookway.config, createLogger('test', hookway.config.logLevel), { api: false, worker: true });

    // The starters back off to 10 s at most while Temporal is away.
    const requests = await receiver.waitForRequests(MESSAGES, 90_000);
    await eventually(() => outboxGauge(), (n) => n === 0, 30_000);
    assert.equal(await outboxStat(), 0);
    await settle(2_000);
    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    assert.equal(ids.length, MESSAGES, `exactly ${MESSAGES} requests: ${ids.join(', ')}`);
    assert.deepEqual(new Set(ids), new Set(answers.map((a) => a.body.id)), 'each message once');
    const webhook = new Webhook(endpoint.secret ?? '');
    for (const request of requests) webhook.verify(request.rawBody, request.headers);
  });
});
