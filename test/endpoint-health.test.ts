import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { DeadLetterList } from './support/api-types';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

describe('endpoint health and pacing', () => {
  let hookway: TestHookway;
  let secondWorker: TestHookway | undefined;
  let scenario: Scenario;
  const receivers: TestReceiver[] = [];

  before(async () => {
    hookway = await startTestHookway();
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await secondWorker?.stop();
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function receiver(script: Parameters<typeof startReceiver>[0]): Promise<TestReceiver> {
    const r = await startReceiver(script);
    receivers.push(r);
    return r;
  }

  const endpointView = async (id: string) => (await hookway.api<EndpointView>('GET', `/v1/endpoints/${id}`)).body;

  test('an endpoint whose deliveries all fail for HOOKWAY_DISABLE_AFTER is disabled, and re-enabling keeps its dead letters', async () => {
    // Its own instance: a one-second health limit would disable the other tests' endpoints too.
    const strict = await startTestHookway({ HOOKWAY_DISABLE_AFTER: '1s' });
    try {
      await disablesFailingEndpoints(strict);
    } finally {
      await strict.stop();
      await strict.dropDatabase();
    }
  });

  async function disablesFailingEndpoints(hookway: TestHookway): Promise<void> {
    const scenario = new Scenario(hookway);
    const endpointView = async (id: string) => (await hookway.api<EndpointView>('GET', `/v1/endpoints/${id}`)).body;
    const target = await receiver(() => ({ status: 503 }));
    const endpoint = await scenario.endpoint({
      url: target.url,
      eventTypes: ['health.failing'],
      retryPolicy: { maxAttempts: 4, initialIntervalMs: 600, backoffCoefficient: 1, maxIntervalMs: 600 },
    });
    const message = await scenario.send('health.failing');
    await scenario.settled(message, 'dead_lettered');
    const disabled = await endpointView(endpoint.id);
    assert.equal(disabled.disabled, true);
    assert.equal(disabled.disabledReason, 'failing');
    assert.ok(disabled.failingSince);

    const enabled = await hookway.api<EndpointView>('PATCH', `/v1/endpoints/${endpoint.id}`, { disabled: false });
    assert.equal(enabled.body.disabled, false);
    assert.equal(enabled.body.failingSince, null, 're-enabling restarts the health clock');
    const list = await hookway.api<DeadLetterList>('GET', `/v1/dead-letters?endpointId=${endpoint.id}`);
    assert.equal(list.body.total, 1, 'its dead letters are kept');
  }

  test('rateLimitPerSecond holds across two workers', async () => {
    secondWorker = await startTestHookway(
      { DATABASE_URL: hookway.config.database.url, HOOKWAY_TASK_QUEUE: hookway.config.temporal.taskQueue },
      { api: false, worker: true },
    );
    const target = await receiver(() => ({ status: 200 }));
    await scenario.endpoint({ url: target.url, eventTypes: ['paced'], rateLimitPerSecond: 5 });
    await Promise.all(Array.from({ length: 20 }, (_, i) => scenario.send('paced', { i })));
    const requests = await target.waitForRequests(20, 30_000);
    const times = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    assert.ok(times[19] - times[0] >= 3_500, `20 requests at 5/s took ${times[19] - times[0]} ms`);
    // Any 11 requests in a row span at least ten slots (2 s at 5/s), less the few hundred ms a busy
    // 2-core machine may send one of them late: never a burst above the limit.
    for (let i = 10; i < times.length; i += 1) {
      assert.ok(times[i] - times[i - 10] >= 1_700, `eleven requests fell within ${times[i] - times[i - 10]} ms at request ${i}`);
    }
  });

  test('429s slow an endpoint down, its pace recovers once they stop, and other endpoints are unaffected', async () => {
    let limited = true;
    const target = await receiver(() => (limited ? { status: 429 } : { status: 200 }));
    const bystander = await receiver(() => ({ status: 200 }));
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['throttled'], retryPolicy: fastRetries(10) });
    const other = await scenario.endpoint({ url: bystander.url, eventTypes: ['unthrottled'] });

    const first = await scenario.send('throttled', { n: 0 });
    await target.waitForRequests(3);
    await eventually(() => endpointView(endpoint.id), (e) => e.currentRate !== null && e.currentRate < 5);
    limited = false;
    await scenario.settled(first, 'succeeded');
    const slowed = await endpointView(endpoint.id);
    assert.ok(slowed.currentRate !== null && slowed.currentRate < 5, `429s slowed the endpoint to ${slowed.currentRate}/s`);

    const started = Date.now();
    const sent = await Promise.all(Array.from({ length: 5 }, (_, i) => scenario.send('unthrottled', { i })));
    await bystander.waitForRequests(5);
    assert.ok(Date.now() - started < 3_000, 'the other endpoint is not paced');
    assert.equal((await endpointView(other.id)).currentRate, null);
    assert.equal(sent.length, 5);

    for (let i = 1; i <= 6; i += 1) await scenario.settled(await scenario.send('throttled', { n: i }), 'succeeded');
    const recovered = await endpointView(endpoint.id);
    assert.ok(
      recovered.currentRate === null || recovered.currentRate > (slowed.currentRate ?? 0),
      `rate went from ${slowed.currentRate} to ${recovered.currentRate}`,
    );
  });
});
