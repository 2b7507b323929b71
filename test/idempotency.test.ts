import assert from 'node:assert/strict';
import { DEFAULT_APPLICATION } from '../src/domain/applications';
import { after, before, describe, test } from 'node:test';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageView } from '../src/api/messages/message.view';
import { EndpointsRepository } from '../src/db/endpoints.repository';
import { MessagesRepository } from '../src/db/messages.repository';
import { DeliveryStarter } from '../src/temporal/delivery-starter';
import { settle } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestHookway, type TestHookway } from './support/test-hookway';
import { deliveryWorkflowId } from '../workflows/definitions';

describe('idempotency', () => {
  let hookway: TestHookway;
  let target: TestReceiver;
  let endpoint: EndpointView;

  before(async () => {
    hookway = await startTestHookway();
    target = await startReceiver();
    endpoint = (await hookway.api<EndpointView>('POST', '/v1/endpoints', { url: target.url })).body;
  });
  after(async () => {
    await target.close();
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('ten racing posts with the same id return one message and deliver it once', async () => {
    const body = { id: 'evt_race_1', eventType: 'user.created', payload: { user: 1 } };
    const answers = await Promise.all(Array.from({ length: 10 }, () => hookway.api<MessageView>('POST', '/v1/messages', body)));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([202]));
    assert.deepEqual(new Set(answers.map((a) => a.body.id)), new Set(['evt_race_1']));
    assert.deepEqual(new Set(answers.map((a) => a.body.deliveries[0].id)).size, 1);

    await target.waitForRequests(1);
    await settle(1_500);
    assert.equal(target.requests.filter((r) => r.headers['webhook-id'] === 'evt_race_1').length, 1);
  });

  test('racing posts with one Idempotency-Key deliver once, even with different bodies', async () => {
    const before = target.requests.length;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'user.updated', payload: { attempt: i } }, { 'Idempotency-Key': 'key-42' }),
      ),
    );
    const ids = new Set(answers.map((a) => a.body.id));
    assert.equal(ids.size, 1, 'every answer names the same message');
    const [id] = ids;
    await target.waitForRequests(before + 1);
    await settle(1_500);
    assert.equal(target.requests.filter((r) => r.headers['webhook-id'] === id).length, 1);

    const again = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'user.updated', payload: { late: true } }, { 'Idempotency-Key': 'key-42' });
    assert.equal(again.status, 202);
    assert.equal(again.body.id, id);
    assert.deepEqual(again.body.payload, answers[0].body.payload, 'the first accepted payload stands');
  });

  test('a message stored but never started (its API died right after the commit) is started by another process from the outbox', async () => {
    // No sweep in the test's time: only the outbox can start it.
    const sweeping = await startTestHookway({ HOOKWAY_ORPHAN_SWEEP_INTERVAL: '1h' });
    try {
      const target = await startReceiver();
      try {
        const created = await sweeping.api<EndpointView>('POST', '/v1/endpoints', { url: target.url, eventTypes: ['orphan.case'] });
        // What POST /v1/messages commits, as if the API died right after: no process of its starts it.
        const endpoints = new EndpointsRepository(sweeping.db, sweeping.secretBox);
        const accepted = await new MessagesRepository(sweeping.db).accept(
          { id: 'evt_orphan', applicationId: DEFAULT_APPLICATION.id, eventType: 'orphan.case', payload: { stranded: true }, idempotencyKey: null, orderingKey: null },
          { subscribers: (await endpoints.findSubscribers(DEFAULT_APPLICATION.id, 'orphan.case')).endpoints.map((e) => ({ id: e.id, workflowId: deliveryWorkflowId(e.id, 'evt_orphan') })), filteredOut: 0 },
        );
        assert.equal(accepted.deliveries[0].endpointId, created.body.id);
        const [request] = await target.waitForRequests(1, 20_000);
        assert.equal(request.headers['webhook-id'], 'evt_orphan');
        assert.deepEqual((request.json as { data: unknown }).data, { stranded: true });
      } finally {
        await target.close();
      }
    } finally {
      await sweeping.stop();
      await sweeping.dropDatabase();
    }
  });

  test('starting a delivered workflow again is a no-op, never a second delivery', async () => {
    const sent = await hookway.api<MessageView>('POST', '/v1/messages', { id: 'evt_restart', eventType: 'user.deleted', payload: {} });
    const delivery = sent.body.deliveries[0];
    await target.waitForRequests(target.requests.length + 1);
    await hookway.client.workflow.getHandle(delivery.workflowId).result();

    const stored = await new EndpointsRepository(hookway.db, hookway.secretBox).findById(endpoint.id);
    assert.ok(stored);
    const starter = new DeliveryStarter(hookway.client, hookway.config.temporal.taskQueue);
    const started = await starter.start(
      delivery.workflowId,
      {
        deliveryId: delivery.id,
        messageId: 'evt_restart',
        endpointId: endpoint.id,
        eventType: 'user.deleted',
        messageTimestamp: sent.body.createdAt,
        retryPolicy: stored.retryPolicy,
        timeoutMs: stored.timeoutMs,
      },
      { endpointUrl: stored.url, eventType: 'user.deleted' },
    );
    assert.equal(started, false);
    await settle(1_000);
    assert.equal(target.requests.filter((r) => r.headers['webhook-id'] === 'evt_restart').length, 1);
  });
});
