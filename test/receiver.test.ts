import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Pool, type PoolClient } from 'pg';
import { Webhook } from 'standardwebhooks';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageView } from '../src/api/messages/message.view';
import { createLogger } from '../src/logging/logger';
import type { ReceivedEvent, StoredEvent } from '../src/examples/receiver/events';
import { createReceiverApp } from '../src/examples/receiver/receiver-app';
import type { ReceiveAnswer } from '../src/examples/receiver/webhooks.controller';
import { eventually } from './support/eventually';
import { createTestDatabase, dropTestDatabase, startTestHookway, type TestHookway } from './support/test-hookway';

const FAST_RETRIES = { maxAttempts: 5, initialIntervalMs: 100, backoffCoefficient: 1, maxIntervalMs: 100 };
const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
const uniqueId = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

describe('receiver: Hookway to the example receiver', () => {
  const secret = newSecret();
  let hookway: TestHookway;
  let receiverDbUrl: string;
  let pool: Pool;
  let receiver: NestExpressApplication;
  let receiverUrl: string;
  /** Every run of the example's processing hook, failed ones included, by webhook id. */
  const runs: string[] = [];
  /** How many more times the hook fails for a webhook id. */
  const failuresLeft = new Map<string, number>();
  /** Event types whose processing holds the transaction open a moment, to widen races. */
  const slowTypes = new Set(['race.test']);

  async function handleEvent(event: ReceivedEvent, client: PoolClient): Promise<void> {
    runs.push(event.webhookId);
    if (slowTypes.has(event.eventType)) await client.query('SELECT pg_sleep(0.1)');
    const left = failuresLeft.get(event.webhookId) ?? 0;
    if (left > 0) {
      failuresLeft.set(event.webhookId, left - 1);
      throw new Error('the downstream system is unavailable');
    }
  }

  before(async () => {
    hookway = await startTestHookway();
    receiverDbUrl = await createTestDatabase();
    pool = new Pool({ connectionString: receiverDbUrl, max: 10 });
    receiver = await createReceiverApp({ pool, secret, logger: createLogger('receiver-test', 'silent'), handleEvent });
    await receiver.listen(0, '127.0.0.1');
    receiverUrl = await receiver.getUrl();
  });
  after(async () => {
    await receiver.close();
    await pool.end();
    await dropTestDatabase(receiverDbUrl);
    await hookway.stop();
    await hookway.dropDatabase();
  });

  const storedRows = async (webhookId: string): Promise<number> =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM received_events WHERE webhook_id = $1', [webhookId])).rows[0].n);
  const runsOf = (webhookId: string): number => runs.filter((id) => id === webhookId).length;

  async function createEndpoint(body: Record<string, unknown>): Promise<EndpointView> {
    const response = await hookway.api<EndpointView>('POST', '/v1/endpoints', { url: `${receiverUrl}/webhooks`, retryPolicy: FAST_RETRIES, ...body });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  async function send(eventType: string, payload: Record<string, unknown>): Promise<MessageView> {
    const sent = await hookway.api<MessageView>('POST', '/v1/messages', { id: uniqueId('msg'), eventType, payload });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    return sent.body;
  }

  async function settledDelivery(message: MessageView, endpointId: string): Promise<DeliveryView> {
    const delivery = message.deliveries.find((d) => d.endpointId === endpointId);
    assert.ok(delivery, `message ${message.id} has no delivery to ${endpointId}`);
    return eventually(
      async () => (await hookway.api<DeliveryView>('GET', `/v1/deliveries/${delivery.id}`)).body,
      (d) => d.status !== 'pending',
    );
  }

  /** A webhook signed by the standardwebhooks package, posted straight to the example receiver. */
  async function postSigned(
    options: { id?: string; at?: Date; key?: string; eventType?: string } = {},
  ): Promise<{ status: number; json: ReceiveAnswer & { error?: { code: string } } }> {
    const id = options.id ?? uniqueId('msg');
    const at = options.at ?? new Date();
    const body = JSON.stringify({ type: options.eventType ?? 'direct.test', timestamp: at.toISOString(), data: { n: 1 } });
    const response = await fetch(`${receiverUrl}/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(options.key ?? secret).sign(id, at, body),
      },
      body,
    });
    return { status: response.status, json: (await response.json()) as ReceiveAnswer & { error?: { code: string } } };
  }

  test('a webhook sent through Hookway arrives verified and is stored once', async () => {
    const endpoint = await createEndpoint({ secret, eventTypes: ['invoice.paid'] });
    const message = await send('invoice.paid', { invoiceId: 'inv_42', amount: 1200 });

    const delivery = await settledDelivery(message, endpoint.id);
    assert.equal(delivery.status, 'succeeded');
    assert.deepEqual(delivery.attempts.map((a) => a.statusCode), [200]);
    assert.equal(await storedRows(message.id), 1);

    const events = (await (await fetch(`${receiverUrl}/events`)).json()) as StoredEvent[];
    const stored = events.find((e) => e.webhookId === message.id);
    assert.deepEqual(stored && { eventType: stored.eventType, data: stored.data }, { eventType: 'invoice.paid', data: { invoiceId: 'inv_42', amount: 1200 } });
  });

  test('a handler that fails the first time is retried by Hookway and then processed once', async () => {
    const endpoint = await createEndpoint({ secret, eventTypes: ['order.flaky'] });
    const id = uniqueId('msg');
    failuresLeft.set(id, 1);
    const sent = await hookway.api<MessageView>('POST', '/v1/messages', { id, eventType: 'order.flaky', payload: { order: 7 } });
    assert.equal(sent.status, 202);

    const delivery = await settledDelivery(sent.body, endpoint.id);
    assert.equal(delivery.status, 'succeeded');
    assert.deepEqual(delivery.attempts.map((a) => a.statusCode), [500, 200]);
    assert.match(delivery.attempts[0].error ?? '', /processing_failed/);
    assert.equal(runsOf(id), 2, 'the failed run and the successful retry');
    assert.equal(await storedRows(id), 1, 'the failed run left nothing behind');
  });

  test('two endpoints to the same receiver deliver one webhook-id twice; it is processed once and both deliveries succeed', async () => {
    const first = await createEndpoint({ secret, eventTypes: ['user.created'] });
    const second = await createEndpoint({ secret, eventTypes: ['user.created'] });
    const message = await send('user.created', { user: 1 });

    const deliveries = await Promise.all([settledDelivery(message, first.id), settledDelivery(message, second.id)]);
    assert.deepEqual(deliveries.map((d) => d.status), ['succeeded', 'succeeded']);
    assert.equal(runsOf(message.id), 1);
    assert.equal(await storedRows(message.id), 1);
  });

  test('an endpoint registered with the wrong secret gets 401 bad_signature from the receiver, and nothing is stored', async () => {
    const endpoint = await createEndpoint({ secret: newSecret(), eventTypes: ['secret.mismatch'] });
    const message = await send('secret.mismatch', { n: 1 });

    const delivery = await eventually(
      async () => (await hookway.api<DeliveryView>('GET', `/v1/deliveries/${message.deliveries[0].id}`)).body,
      (d) => d.attempts.length > 0,
    );
    assert.equal(delivery.endpointId, endpoint.id);
    assert.equal(delivery.attempts[0].statusCode, 401);
    assert.match(delivery.attempts[0].error ?? '', /bad_signature/);
    assert.equal(runsOf(message.id), 0);
    assert.equal(await storedRows(message.id), 0);
  });

  test('forged, stale, future-dated and unsigned webhooks are refused (401, 400, 400, 400) and nothing is stored', async () => {
    const tenMinutes = 10 * 60_000;
    const forged = await postSigned({ id: 'msg_forged', key: newSecret() });
    const stale = await postSigned({ id: 'msg_stale', at: new Date(Date.now() - tenMinutes) });
    const future = await postSigned({ id: 'msg_future', at: new Date(Date.now() + tenMinutes) });
    const unsigned = await fetch(`${receiverUrl}/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

    assert.deepEqual([forged.status, forged.json.error?.code], [401, 'bad_signature']);
    assert.deepEqual([stale.status, stale.json.error?.code], [400, 'timestamp_too_old']);
    assert.deepEqual([future.status, future.json.error?.code], [400, 'timestamp_in_future']);
    assert.equal(unsigned.status, 400);
    for (const id of ['msg_forged', 'msg_stale', 'msg_future']) {
      assert.equal(runsOf(id), 0);
      assert.equal(await storedRows(id), 0);
    }
  });

  test('a replayed webhook (same webhook-id, valid signature) is answered 200 duplicate and not processed again', async () => {
    const id = uniqueId('msg');
    const first = await postSigned({ id });
    const replay = await postSigned({ id });
    assert.deepEqual([first.status, first.json], [200, { status: 'processed', webhookId: id }]);
    assert.deepEqual([replay.status, replay.json], [200, { status: 'duplicate', webhookId: id }]);
    assert.equal(runsOf(id), 1);
    assert.equal(await storedRows(id), 1);
  });

  test('50 racing duplicates over HTTP are processed once; all 50 are answered 200', async () => {
    const id = uniqueId('msg');
    const answers = await Promise.all(Array.from({ length: 50 }, () => postSigned({ id, eventType: 'race.test' })));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(answers.filter((a) => a.json.status === 'processed').length, 1);
    assert.equal(answers.filter((a) => a.json.status === 'duplicate').length, 49);
    assert.equal(runsOf(id), 1);
    assert.equal(await storedRows(id), 1);
  });

  test('npm run receiver:example starts, prints how to register it, and processes a signed webhook once', async () => {
    const main = path.resolve(__dirname, '..', 'src', 'examples', 'receiver', 'main.js');
    const env: NodeJS.ProcessEnv = { ...process.env, RECEIVER_PORT: '0', DATABASE_URL: receiverDbUrl, LOG_LEVEL: 'info' };
    delete env.RECEIVER_SECRET;
    const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await eventually(async () => output, (text) => text.includes('Press Ctrl-C to stop.'), 20_000);
      const url = /POST (http:\/\/\S+)\/webhooks/.exec(output)?.[1];
      const generated = /Secret +(whsec_\S+)/.exec(output)?.[1];
      assert.ok(url && generated, output);
      assert.match(output, /curl -s http:\/\/127\.0\.0\.1:3000\/v1\/endpoints/);

      const id = uniqueId('msg');
      const at = new Date();
      const body = JSON.stringify({ type: 'hello.world', timestamp: at.toISOString(), data: { hello: 'world' } });
      const headers = {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(generated).sign(id, at, body),
      };
      const answers = [await fetch(`${url}/webhooks`, { method: 'POST', headers, body }), await fetch(`${url}/webhooks`, { method: 'POST', headers, body })];
      assert.deepEqual(await Promise.all(answers.map((a) => a.json())), [
        { status: 'processed', webhookId: id },
        { status: 'duplicate', webhookId: id },
      ]);
      await eventually(async () => output, (text) => text.includes('"msg":"webhook processed"') && text.includes(id), 5_000);
      assert.equal(await storedRows(id), 1);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0, output);
  });
});
