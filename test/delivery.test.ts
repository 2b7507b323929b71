import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import type { MessageView } from '../src/api/messages/message.view';
import { eventually, settle } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const FAST_RETRIES = { maxAttempts: 6, initialIntervalMs: 100, backoffCoefficient: 1, maxIntervalMs: 100 };

describe('delivery', () => {
  let hookway: TestHookway;
  const receivers: TestReceiver[] = [];

  before(async () => {
    hookway = await startTestHookway();
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function receiver(script?: Parameters<typeof startReceiver>[0]): Promise<TestReceiver> {
    const started = await startReceiver(script);
    receivers.push(started);
    return started;
  }

  async function createEndpoint(body: Record<string, unknown>): Promise<EndpointView> {
    const response = await hookway.api<EndpointView>('POST', '/v1/endpoints', body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }

  async function deliveryOf(message: MessageView, endpointId: string): Promise<DeliveryView> {
    const delivery = message.deliveries.find((d) => d.endpointId === endpointId);
    assert.ok(delivery, `message ${message.id} has no delivery to ${endpointId}`);
    return (await hookway.api<DeliveryView>('GET', `/v1/deliveries/${delivery.id}`)).body;
  }

  test('delivers a signed webhook that the standardwebhooks package verifies', async () => {
    const target = await receiver();
    const endpoint = await createEndpoint({ url: target.url, eventTypes: ['invoice.paid'], headers: { 'X-Tenant': 'acme' } });
    assert.match(endpoint.secret ?? '', /^whsec_/);

    const sent = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'invoice.paid', payload: { invoice: 'inv_1', cents: 1200 } });
    assert.equal(sent.status, 202);
    assert.equal(sent.body.deliveries.length, 1);

    const [request] = await target.waitForRequests(1);
    const verified = new Webhook(endpoint.secret ?? '').verify(request.rawBody, request.headers);
    assert.deepEqual(verified, { type: 'invoice.paid', timestamp: sent.body.createdAt, data: { invoice: 'inv_1', cents: 1200 } });
    assert.equal(request.headers['webhook-id'], sent.body.id);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-tenant'], 'acme');
    assert.match(request.headers['user-agent'], /^Hookway\//);

    const delivery = await eventually(
      () => deliveryOf(sent.body, endpoint.id),
      (d) => d.status === 'succeeded',
    );
    assert.equal(delivery.attempts.length, 1);
    assert.equal(delivery.attempts[0].statusCode, 200);
    assert.match(delivery.temporalUiUrl, new RegExp(`/workflows/${encodeURIComponent(delivery.workflowId)}$`));
  });

  test('a receiver that fails three times and then succeeds gets four attempts with one webhook-id', async () => {
    const target = await receiver((n) => (n < 3 ? { status: 500, body: 'database down' } : { status: 204 }));
    const endpoint = await createEndpoint({ url: target.url, eventTypes: ['order.flaky'], retryPolicy: FAST_RETRIES });

    const sent = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'order.flaky', payload: { order: 7 } });
    assert.equal(sent.status, 202);

    const requests = await target.waitForRequests(4);
    assert.deepEqual(new Set(requests.map((r) => r.headers['webhook-id'])), new Set([sent.body.id]));
    for (const request of requests) {
      assert.doesNotThrow(() => new Webhook(endpoint.secret ?? '').verify(request.rawBody, request.headers));
    }

    const delivery = await eventually(
      () => deliveryOf(sent.body, endpoint.id),
      (d) => d.status === 'succeeded',
    );
    assert.deepEqual(
      delivery.attempts.map((a) => [a.attempt, a.statusCode]),
      [[1, 500], [2, 500], [3, 500], [4, 204]],
    );
    assert.match(delivery.attempts[0].error ?? '', /^http_500: receiver answered 500: database down/);
    await settle(500);
    assert.equal(target.requests.length, 4, 'no attempt after the success');
  });

  test('with no workflow cache, a first attempt that failed is replayed as a failure and retried', async () => {
    // Every task replays the history, so the first attempt's failure comes from its local-activity
    // marker, where Temporal hands it back without the ActivityFailure around it.
    const uncached = await startTestHookway({ HOOKWAY_MAX_CACHED_WORKFLOWS: '0' });
    try {
      const target = await receiver((n) => (n < 2 ? { status: 503, body: 'warming up' } : { status: 200 }));
      const created = await uncached.api<EndpointView>('POST', '/v1/endpoints', { url: target.url, eventTypes: ['order.replayed'], retryPolicy: FAST_RETRIES });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const sent = await uncached.api<MessageView>('POST', '/v1/messages', { eventType: 'order.replayed', payload: { order: 8 } });
      assert.equal(sent.status, 202);
      const delivery = await eventually(
        async () => (await uncached.api<DeliveryView>('GET', `/v1/deliveries/${sent.body.deliveries[0].id}`)).body,
        (d) => d.status !== 'pending',
      );
      assert.equal(delivery.status, 'succeeded');
      assert.deepEqual(delivery.attempts.map((a) => a.statusCode), [503, 503, 200]);
    } finally {
      await uncached.stop();
      await uncached.dropDatabase();
    }
  });

  test('fan-out reaches exactly the subscribed, enabled endpoints', async () => {
    const [ordersA, everything, invoices, disabled] = await Promise.all([receiver(), receiver(), receiver(), receiver()]);
    const endpointA = await createEndpoint({ url: ordersA.url, eventTypes: ['order.created', 'order.updated'] });
    const endpointAll = await createEndpoint({ url: everything.url });
    await createEndpoint({ url: invoices.url, eventTypes: ['invoice.paid'] });
    const off = await createEndpoint({ url: disabled.url, eventTypes: ['order.created'] });
    assert.equal((await hookway.api('PATCH', `/v1/endpoints/${off.id}`, { disabled: true })).status, 200);

    const sent = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'order.created', payload: { order: 1 } });
    assert.equal(sent.status, 202);
    assert.deepEqual(sent.body.deliveries.map((d) => d.endpointId).sort(), [endpointA.id, endpointAll.id].sort());

    await ordersA.waitForRequests(1);
    await everything.waitForRequests(1);
    await settle(1_000);
    assert.equal(ordersA.requests.length, 1);
    assert.equal(everything.requests.length, 1);
    assert.equal(invoices.requests.length, 0, 'an endpoint subscribed to other types receives nothing');
    assert.equal(disabled.requests.length, 0, 'a disabled endpoint receives nothing');

    const fetched = await hookway.api<MessageView>('GET', `/v1/messages/${sent.body.id}`);
    assert.equal(fetched.status, 200);
    assert.deepEqual(fetched.body.payload, { order: 1 });
  });
});
