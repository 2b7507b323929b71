import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { eventually } from './support/eventually';
import { parsePrometheusText, sampleValue } from './support/prometheus-text';
import { startReceiver, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

/** Delivery workflows the process serving `metricsUrl` started, eagerly and through matching. */
async function starts(metricsUrl: string): Promise<{ eager: number; matched: number }> {
  const samples = parsePrometheusText(await (await fetch(metricsUrl)).text());
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
      assert.deepEqual(await starts(`${hookway.apiUrl}/metrics`), eager ? { eager: 5, matched: 0 } : { eager: 0, matched: 5 });
    });
  });
}

describe('API and worker in processes of their own', () => {
  let api: TestHookway;
  let worker: TestHookway;
  let receiver: TestReceiver;

  before(async () => {
    api = await startTestHookway({}, { api: true, worker: false });
    // The same database and task queue: one deployment of an API and a worker.
    worker = await startTestHookway(
      { DATABASE_URL: api.config.database.url, HOOKWAY_TASK_QUEUE: api.config.temporal.taskQueue, HOOKWAY_WORKER_METRICS_PORT: '0' },
      { api: false, worker: true },
    );
    receiver = await startReceiver(() => ({ status: 200 }));
  });
  after(async () => {
    await receiver.close();
    await api.stop();
    await worker.stop();
    await worker.dropDatabase();
    await api.dropDatabase();
  });

  test('the worker, woken by the commit that accepted them, starts each delivery eagerly; the API starts none', async () => {
    const scenario = new Scenario(api);
    await scenario.endpoint({ url: receiver.url, eventTypes: ['split.check'] });
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await scenario.send('split.check', { i })).id);
    await receiver.waitForRequests(5);
    assert.deepEqual(receiver.requests.map((request) => request.headers['webhook-id']).sort(), ids.sort());
    assert.deepEqual(await starts(worker.metricsUrl ?? ''), { eager: 5, matched: 0 });
    assert.deepEqual(await starts(api.metricsUrl ?? ''), { eager: 0, matched: 0 });
  });
  test('a listening connection cut by the server is made again, and the worker goes on starting deliveries eagerly', async () => {
    const listeners = async (): Promise<number[]> =>
      (await api.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN hookway_outbox'`)).rows.map((row) => row.pid);
    const [cut] = await listeners();
    assert.ok(cut, 'the worker listens');
    await api.db.query('SELECT pg_terminate_backend($1)', [cut]);
    await eventually(listeners, (pids) => pids.length === 1 && pids[0] !== cut, 10_000, 100);
    const before = await starts(worker.metricsUrl ?? '');
    const { id } = await new Scenario(api).send('split.check', { after: 'reconnect' });
    await eventually(async () => receiver.requests.map((request) => request.headers['webhook-id']), (ids) => ids.includes(id), 10_000, 100);
    assert.deepEqual(await starts(worker.metricsUrl ?? ''), { eager: before.eager + 1, matched: 0 });
    assert.deepEqual(await starts(api.metricsUrl ?? ''), { eager: 0, matched: 0 });
  });
});
