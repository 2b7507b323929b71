import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeliveryRecord } from '../../src/db/deliveries.repository';
import type { OutboxEntry } from '../../src/db/outbox.repository';
import { outboxBackoffMs, planOutbox } from '../../src/temporal/outbox-plan';

function entry(id: string, changes: Partial<DeliveryRecord> = {}, endpointDeleted = false): OutboxEntry {
  const delivery: DeliveryRecord = {
    id,
    applicationId: 'app_default',
    messageId: `msg_${id}`,
    endpointId: 'ep_1',
    workflowId: `delivery-ep_1-msg_${id}`,
    status: 'pending',
    orderingKey: null,
    sequence: null,
    parkedAt: null,
    parkedUntil: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...changes,
  };
  return {
    delivery,
    message: { id: delivery.messageId, eventType: 'e', orderingKey: delivery.orderingKey, createdAt: new Date(0) },
    endpoint: { id: delivery.endpointId, applicationId: delivery.applicationId, url: 'https://example.com/hook', retryPolicy: { maxAttempts: 6, initialIntervalMs: 60_000, backoffCoefficient: 2, maxIntervalMs: 3_600_000 }, timeoutMs: 10_000 },
    endpointDeleted,
  };
}

describe('planning a claim of outbox rows', () => {
  test('pending unordered deliveries are started', () => {
    const plan = planOutbox([entry('a'), entry('b')]);
    assert.deepEqual(plan.start.map((e) => e.delivery.id), ['a', 'b']);
    assert.deepEqual(plan.wake, []);
    assert.deepEqual(plan.drop, []);
  });

  test('ordered deliveries wake their stream once per (endpoint, key), never start a workflow', () => {
    const plan = planOutbox([
      entry('a', { orderingKey: 'k1', sequence: 1 }),
      entry('b', { orderingKey: 'k1', sequence: 2 }),
      entry('c', { orderingKey: 'k2', sequence: 1 }),
      entry('d', { orderingKey: 'k1', sequence: 1, endpointId: 'ep_2' }),
    ]);
    assert.deepEqual(plan.start, []);
    assert.deepEqual(plan.wake, [
      { endpointId: 'ep_1', orderingKey: 'k1', deliveryIds: ['a', 'b'] },
      { endpointId: 'ep_1', orderingKey: 'k2', deliveryIds: ['c'] },
      { endpointId: 'ep_2', orderingKey: 'k1', deliveryIds: ['d'] },
    ]);
  });

  test('rows owed nothing are dropped: an ended, a parked or a deleted endpoint\'s delivery', () => {
    const plan = planOutbox([
      entry('ended', { status: 'succeeded' }),
      entry('dead', { status: 'dead_lettered' }),
      entry('parked', { parkedAt: new Date(0) }),
      entry('deleted', {}, true),
      entry('live'),
    ]);
    assert.deepEqual(plan.drop, ['ended', 'dead', 'parked', 'deleted']);
    assert.deepEqual(plan.start.map((e) => e.delivery.id), ['live']);
  });
});

describe('the outbox backoff', () => {
  test('is nothing without failures, then doubles from the first wait up to the longest', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((n) => outboxBackoffMs(n, 250, 10_000)), [0, 250, 500, 1_000, 2_000, 4_000, 8_000, 10_000]);
    assert.equal(outboxBackoffMs(1_000, 250, 10_000), 10_000);
  });
});
