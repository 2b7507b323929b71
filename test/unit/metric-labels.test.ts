import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BoundedLabelValues, OTHER_LABEL_VALUE } from '../../src/metrics/bounded-labels';
import { DeliveryMetrics } from '../../src/metrics/delivery-metrics';
import { parsePrometheusText } from '../support/prometheus-text';

const EP_1 = { endpointId: 'ep_1', applicationId: 'app_default' };

describe('metric labels stay bounded', () => {
  test('the first N distinct values pass through, later ones become "other", known ones stay themselves', () => {
    const labels = new BoundedLabelValues(2);
    assert.equal(labels.value('a'), 'a');
    assert.equal(labels.value('b'), 'b');
    assert.equal(labels.value('c'), OTHER_LABEL_VALUE);
    assert.equal(labels.value('a'), 'a');
    assert.equal(new BoundedLabelValues(0).value('a'), OTHER_LABEL_VALUE);
    assert.throws(() => new BoundedLabelValues(-1), RangeError);
  });

  test('10,000 distinct event types leave the exposition at the limit plus "other"', async () => {
    const metrics = new DeliveryMetrics({ eventTypes: 5 });
    for (let i = 0; i < 10_000; i += 1) {
      metrics.delivered(EP_1, `type.${i}`, 1, 10);
      if (i % 2 === 0) metrics.deadLettered(EP_1, `type.${i}`);
    }
    const samples = parsePrometheusText(await metrics.registry.metrics());
    const eventTypes = new Set(samples.map((s) => s.labels.event_type).filter((v) => v !== undefined));
    assert.deepEqual([...eventTypes].sort(), ['other', 'type.0', 'type.1', 'type.2', 'type.3', 'type.4']);
    // Per event type: 2 outcomes, first attempts, and the latency histogram's buckets, sum and count.
    assert.ok(samples.length < 6 * 30, `${samples.length} samples`);
    const other = samples.find((s) => s.name === 'hookway_deliveries_total' && s.labels.event_type === 'other' && s.labels.outcome === 'succeeded');
    assert.equal(other?.value, 9_995, 'nothing is lost: the overflow is counted under "other"');
  });

  test('without per-endpoint series no sample carries endpoint_id, and the gauges report totals', async () => {
    const metrics = new DeliveryMetrics({ perEndpoint: false });
    metrics.exposeDeadLetterQueue(async () => [
      { endpointId: 'ep_1', open: 3 },
      { endpointId: 'ep_2', open: 4 },
    ]);
    metrics.exposeCircuits(async () => [
      { endpointId: 'ep_1', open: true, parked: 2 },
      { endpointId: 'ep_2', open: true, parked: 0 },
    ]);
    for (let i = 0; i < 1_000; i += 1) {
      metrics.attempt({ endpointId: `ep_${i}`, applicationId: 'app_default' }, 'success', 'ok', 5);
      metrics.delivered({ endpointId: `ep_${i}`, applicationId: 'app_default' }, 'order.created', 1, 10);
    }
    const samples = parsePrometheusText(await metrics.registry.metrics());
    assert.equal(samples.filter((s) => 'endpoint_id' in s.labels).length, 0);
    assert.equal(samples.find((s) => s.name === 'hookway_dead_letters')?.value, 7);
    assert.equal(samples.find((s) => s.name === 'hookway_circuit_open')?.value, 2);
    assert.equal(samples.find((s) => s.name === 'hookway_parked_deliveries')?.value, 2);
    assert.equal(samples.find((s) => s.name === 'hookway_deliveries_total')?.value, 1_000);
  });

  test('10,000 applications leave the exposition at the limit plus "other", and no delivery is lost', async () => {
    const metrics = new DeliveryMetrics({ applications: 3, perEndpoint: false });
    for (let i = 0; i < 10_000; i += 1) {
      const target = { endpointId: `ep_${i}`, applicationId: `app_${i}` };
      metrics.attempt(target, 'success', 'http_200', 5);
      metrics.delivered(target, 'order.created', 1, 10);
    }
    const samples = parsePrometheusText(await metrics.registry.metrics());
    const applications = new Set(samples.map((s) => s.labels.application_id).filter((v) => v !== undefined));
    assert.deepEqual([...applications].sort(), ['app_0', 'app_1', 'app_2', 'other']);
    const delivered = samples.filter((s) => s.name === 'hookway_deliveries_total');
    assert.equal(delivered.find((s) => s.labels.application_id === 'other')?.value, 9_997);
    assert.equal(delivered.find((s) => s.labels.application_id === 'app_1')?.value, 1);
    assert.ok(samples.filter((s) => s.name.startsWith('hookway_deliver')).every((s) => 'application_id' in s.labels));
  });
});
