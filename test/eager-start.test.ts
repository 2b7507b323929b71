import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { parsePrometheusText, sampleValue } from './support/prometheus-text';
import { startReceiver, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

async function starts(hookway: TestHookway): Promise<{ eager: number; matched: number }> {
  const samples = parsePrometheusText(await (await fetch(`${hookway.apiUrl}/metrics`)).text());
  return {
    eager: sampleValue(samples, 'hookway_delivery_workflow_starts_total', { eager: 'true' }),
    matched: sampleValue(samples, 'hookway_delivery_workflow_starts_total', { eager: 'false' }),
  };
}

for (const eager of [true, false]) {
  describe(`API and worker in one process, HOOKWAY_EAGER_START=${eager}`, () => {
    let hookway: TestHookway;
    let receiver: TestReceiver;

    before(async () => {
      hookway = await startTestHookway({ HOOKWAY_EAGER_START: String(eager) });
      receiver = await startReceiver(() => ({ status: 200 }));
    });
    after(async () => {
      await receiver.close();
      await hookway.stop();
      await hookway.dropDatabase();
    });

    test(`each delivery is ${eager ? 'handed straight back to the worker with its start' : 'started through matching'}, and delivered`, async () => {
      const scenario = new Scenario(hookway);
      const endpoint = await scenario.endpoint({ url: receiver.url, eventTypes: ['eager.check'] });
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await scenario.send('eager.check', { i })).id);
      await receiver.waitForRequests(5);
      const verifier = new Webhook(endpoint.secret ?? '');
      const received = receiver.requests.map((request) => {
        verifier.verify(request.rawBody, request.headers);
        return request.headers['webhook-id'];
      });
      assert.deepEqual(received.sort(), ids.sort());
      assert.deepEqual(await starts(hookway), eager ? { eager: 5, matched: 0 } : { eager: 0, matched: 5 });
    });
  });
}
