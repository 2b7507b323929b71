import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageView } from '../src/api/messages/message.view';
import { DeliveryStarter } from '../src/temporal/delivery-starter';
import type { DeadLetterList } from './support/api-types';
import { eventually } from './support/eventually';
import { startOutageReceiver, startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

describe('retrying a dead letter while its delivery is failing', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers: TestReceiver[] = [];

  before(async () => {
    // No circuit breaker: every retry here makes its one attempt.
    hookway = await startTestHookway({ HOOKWAY_CIRCUIT_THRESHOLD: '0' });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function failing(): Promise<TestReceiver & { recover(): void }> {
    const receiver = await startOutageReceiver();
    receivers.push(receiver);
    return receiver;
  }

  async function openDeadLetters(endpointId: string): Promise<DeadLetterList> {
    return (await hookway.api<DeadLetterList>('GET', `/v1/dead-letters?endpointId=${endpointId}`)).body;
  }

  const retry = (id: string) => hookway.api<{ status?: string; error?: { code: string } }>('POST', `/v1/dead-letters/${id}/retry`);

  // Until no run of the delivery is open and PostgreSQL has it dead-lettered again.
  async function settledFailed(message: MessageView): Promise<void> {
    const starter = new DeliveryStarter(hookway.client, hookway.config.temporal.taskQueue);
    await eventually(
      async () => ({ running: await starter.running(message.deliveries[0].workflowId), status: (await scenario.delivery(message.deliveries[0].id)).status }),
      (s) => !s.running && s.status === 'dead_lettered',
    );
  }

  test('concurrent retries against a receiver that fails never resolve the dead letter as delivered', async () => {
    const target = await failing();
    const endpoint: EndpointView = await scenario.endpoint({ url: target.url, eventTypes: ['race.fail'], retryPolicy: fastRetries(1), autoRecover: false });
    const message = await scenario.send('race.fail', { race: true });
    await scenario.settled(message, 'dead_lettered');
    const [deadLetter] = (await openDeadLetters(endpoint.id)).items;

    // Four retries at a time for eight seconds: runs start, fail at once and close while others ask.
    const answers: { status: number; outcome?: string }[] = [];
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      const round = await Promise.all([1, 2, 3, 4].map(() => retry(deadLetter.id)));
      answers.push(...round.map((r) => ({ status: r.status, outcome: r.body.status ?? r.body.error?.code })));
    }
    const refused = answers.filter((a) => a.status !== 202);
    assert.deepEqual(refused, [], `${refused.length} of ${answers.length} retries were refused`);
    const started = answers.filter((a) => a.outcome === 'started').length;
    assert.ok(started >= 2, `${started} retries started a run`);

    await settledFailed(message);
    assert.ok(target.requests.length > 0 && target.requests.every((r) => r.headers['webhook-id'] === message.id));
    assert.equal(target.requests.length, 1 + started, 'one attempt per run: the first and each started retry');
    assert.deepEqual((await openDeadLetters(endpoint.id)).items.map((d) => d.id), [deadLetter.id], 'the dead letter is still open');

    target.recover();
    const last = await retry(deadLetter.id);
    assert.equal(last.status, 202, JSON.stringify(last.body));
    const delivered: DeliveryView = await scenario.settled(message, 'succeeded');
    assert.equal(delivered.status, 'succeeded');
    const ok = target.requests.at(-1);
    assert.ok(ok);
    new Webhook(endpoint.secret ?? '').verify(ok.rawBody, ok.headers);
    assert.equal((await openDeadLetters(endpoint.id)).total, 0);
  });

  test('a retry made the moment a delivery dead-letters starts a new run (its workflow may not have closed yet)', async () => {
    const target = await failing();
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['race.first'], retryPolicy: fastRetries(1), autoRecover: false });
    for (let i = 0; i < 5; i += 1) {
      const message = await scenario.send('race.first', { i });
      // As the CI test did, only faster: retry as soon as the API shows the dead letter.
      await eventually(() => scenario.delivery(message.deliveries[0].id), (d) => d.status === 'dead_lettered', 30_000, 1);
      const deadLetter = (await openDeadLetters(endpoint.id)).items.find((d) => d.messageId === message.id);
      assert.ok(deadLetter);
      const retried = await retry(deadLetter.id);
      assert.deepEqual([retried.status, retried.body.status], [202, 'started'], JSON.stringify(retried.body));
      await settledFailed(message);
      assert.equal(target.requests.filter((r) => r.headers['webhook-id'] === message.id).length, 2, 'the retry made its attempt');
    }
  });
});

describe('retrying a dead letter whose run is still closing', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  let alerts: TestReceiver;
  let target: TestReceiver & { recover(): void };

  before(async () => {
    // An alert receiver that takes 8 s to answer keeps the dead-lettering run open that long after the
    // dead letter is in PostgreSQL: longer than a retry waits for a run to close.
    alerts = await startReceiver(undefined, { answerAfterMs: 8_000 });
    target = await startOutageReceiver();
    hookway = await startTestHookway({
      HOOKWAY_CIRCUIT_THRESHOLD: '0',
      HOOKWAY_ALERT_URL: alerts.url,
      HOOKWAY_ALERT_SECRET: `whsec_${Buffer.from('closing-run-alert-secret-32bytes').toString('base64')}`,
    });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await Promise.all([alerts.close(), target.close()]);
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('answers 409 delivery_closing and leaves it dead-lettered, then retries it once the run has closed', async () => {
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['race.closing'], retryPolicy: fastRetries(1), autoRecover: false });
    const message = await scenario.send('race.closing', { closing: true });
    await eventually(() => scenario.delivery(message.deliveries[0].id), (d) => d.status === 'dead_lettered', 30_000, 20);
    const list = (await hookway.api<DeadLetterList>('GET', `/v1/dead-letters?endpointId=${endpoint.id}`)).body;
    const [deadLetter] = list.items;
    assert.ok(deadLetter);

    const early = await hookway.api<{ error?: { code: string } }>('POST', `/v1/dead-letters/${deadLetter.id}/retry`);
    assert.deepEqual([early.status, early.body.error?.code], [409, 'delivery_closing'], JSON.stringify(early.body));
    assert.equal((await scenario.delivery(message.deliveries[0].id)).status, 'dead_lettered', 'not left pending with no run to deliver it');

    const starter = new DeliveryStarter(hookway.client, hookway.config.temporal.taskQueue);
    await eventually(() => starter.running(message.deliveries[0].workflowId), (running) => !running, 30_000);
    target.recover();
    const later = await hookway.api<{ status?: string }>('POST', `/v1/dead-letters/${deadLetter.id}/retry`);
    assert.deepEqual([later.status, later.body.status], [202, 'started'], JSON.stringify(later.body));
    await scenario.settled(message, 'succeeded');
    assert.equal(target.requests.length, 2, 'the first attempt and the retry');
  });
});
