import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from './support/eventually';
import { parsePrometheusText, sampleValue, type Sample } from './support/prometheus-text';
import { startReceiver, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

describe('metrics without per-endpoint series', () => {
  let hookway: TestHookway;
  let receiver: TestReceiver;

  before(async () => {
    hookway = await startTestHookway({ HOOKWAY_METRICS_PER_ENDPOINT: 'false' });
    receiver = await startReceiver(() => ({ status: 200 }));
  });
  after(async () => {
    await receiver.close();
    await hookway.stop();
    await hookway.dropDatabase();
  });

  const scrape = async (): Promise<Sample[]> => parsePrometheusText(await (await fetch(`${hookway.apiUrl}/metrics`)).text());

  test('HOOKWAY_METRICS_PER_ENDPOINT=false: no series carries endpoint_id, and the totals still add up', async () => {
    const scenario = new Scenario(hookway);
    await scenario.endpoint({ url: receiver.url });
    await scenario.endpoint({ url: receiver.url });
    const message = await scenario.send('lean.one');
    assert.equal(message.deliveries.length, 2);
    for (const delivery of message.deliveries) {
      await eventually(() => scenario.delivery(delivery.id), (d) => d.status === 'succeeded');
    }
    const samples = await eventually(scrape, (s) => sampleValue(s, 'hookway_deliveries_total', { outcome: 'succeeded' }) === 2);
    const ours = samples.filter((s) => s.name.startsWith('hookway_'));
    assert.ok(ours.length > 0);
    assert.deepEqual(ours.filter((s) => 'endpoint_id' in s.labels), []);
    assert.equal(sampleValue(samples, 'hookway_delivery_attempts_total', { result: 'success' }), 2);
  });
});
