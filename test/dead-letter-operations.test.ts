import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { deadLetterWorkflowId } from '../workflows/definitions';
import type { DeadLetterList } from './support/api-types';
import { eventually, settle } from './support/eventually';
import { startOutageReceiver, startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const run = promisify(execFile);
const ALERT_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('dead letters are recovered three ways', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  let alerts: TestReceiver;
  const receivers: TestReceiver[] = [];

  before(async () => {
    alerts = await startReceiver();
    hookway = await startTestHookway({
      HOOKWAY_REDRIVE_INTERVAL_MS: '300',
      HOOKWAY_ALERT_URL: alerts.url,
      HOOKWAY_ALERT_SECRET: ALERT_SECRET,
      HOOKWAY_DLQ_ALERT_THRESHOLD: '3',
    });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await Promise.all([alerts, ...receivers].map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function outage(): Promise<TestReceiver & { recover(): void }> {
    const receiver = await startOutageReceiver();
    receivers.push(receiver);
    return receiver;
  }

  async function openDeadLetters(endpointId: string): Promise<DeadLetterList> {
    return (await hookway.api<DeadLetterList>('GET', `/v1/dead-letters?endpointId=${endpointId}`)).body;
  }

  /** Waits until the endpoint's dead-letter workflow is done: its queue is empty. */
  async function queueWorkflowEnds(endpointId: string): Promise<void> {
    const handle = hookway.client.workflow.getHandle(deadLetterWorkflowId(endpointId));
    await eventually(async () => (await handle.describe()).status.name, (status) => status === 'COMPLETED');
  }

  async function deadLetterMessages(eventType: string, count: number, endpointId: string) {
    const messages = [];
    for (let i = 0; i < count; i += 1) {
      const message = await scenario.send(eventType, { n: i });
      await scenario.settled(message, 'dead_lettered');
      messages.push(message);
    }
    assert.equal((await openDeadLetters(endpointId)).total, count);
    return messages;
  }

  test('the API retries one dead letter with the same webhook-id, and a second retry answers 409', async () => {
    const target = await outage();
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['op.retry'], retryPolicy: fastRetries(2), autoRecover: false });
    const [message] = await deadLetterMessages('op.retry', 1, endpoint.id);
    const [deadLetter] = (await openDeadLetters(endpoint.id)).items;

    target.recover();
    const retried = await hookway.api<{ status: string }>('POST', `/v1/dead-letters/${deadLetter.id}/retry`);
    assert.equal(retried.status, 202);
    assert.equal(retried.body.status, 'started');
    await scenario.settled(message, 'succeeded');
    assert.equal(target.requests.at(-1)?.headers['webhook-id'], message.id);
    assert.equal((await openDeadLetters(endpoint.id)).total, 0);

    const again = await hookway.api('POST', `/v1/dead-letters/${deadLetter.id}/retry`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error?.code, 'dead_letter_resolved');
    const unknown = await hookway.api('POST', '/v1/dead-letters/dlq_missing/retry');
    assert.equal(unknown.status, 404);
  });

  test("redriving an endpoint retries its dead letters oldest first, paced, and empties its queue", async () => {
    const target = await outage();
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['op.redrive'], retryPolicy: fastRetries(1), autoRecover: false });
    const messages = await deadLetterMessages('op.redrive', 3, endpoint.id);
    const before = target.requests.length;

    target.recover();
    const redrive = await hookway.api<{ count: number }>('POST', `/v1/endpoints/${endpoint.id}/dead-letters/retry`);
    assert.equal(redrive.status, 202);
    assert.equal(redrive.body.count, 3);
    const all = await target.waitForRequests(before + 3);
    const redriven = all.slice(before);
    assert.deepEqual(redriven.map((r) => r.headers['webhook-id']), messages.map((m) => m.id), 'oldest first');
    for (let i = 1; i < redriven.length; i += 1) {
      assert.ok(redriven[i].receivedAt - redriven[i - 1].receivedAt >= 250, 'one every HOOKWAY_REDRIVE_INTERVAL_MS');
    }
    await eventually(() => openDeadLetters(endpoint.id), (list) => list.total === 0);
    await queueWorkflowEnds(endpoint.id);
  });

  test('a discarded dead letter leaves the queue and can no longer be retried', async () => {
    const target = await outage();
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['op.discard'], retryPolicy: fastRetries(1), autoRecover: false });
    await deadLetterMessages('op.discard', 1, endpoint.id);
    const [deadLetter] = (await openDeadLetters(endpoint.id)).items;

    assert.equal((await hookway.api('DELETE', `/v1/dead-letters/${deadLetter.id}`)).status, 204);
    assert.equal((await openDeadLetters(endpoint.id)).total, 0);
    await queueWorkflowEnds(endpoint.id);
    assert.equal((await hookway.api('DELETE', `/v1/dead-letters/${deadLetter.id}`)).status, 409);
    assert.equal((await hookway.api('POST', `/v1/dead-letters/${deadLetter.id}/retry`)).status, 409);
  });

  test("an endpoint's dead-letter workflow ends once the endpoint is deleted and its queue is empty", async () => {
    const target = await outage();
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['op.delete'], retryPolicy: fastRetries(1), autoRecover: false });
    await deadLetterMessages('op.delete', 2, endpoint.id);
    const handle = hookway.client.workflow.getHandle(deadLetterWorkflowId(endpoint.id));
    assert.equal((await handle.describe()).status.name, 'RUNNING');

    assert.equal((await hookway.api('DELETE', `/v1/endpoints/${endpoint.id}`)).status, 204);
    const { items } = await openDeadLetters(endpoint.id);
    assert.equal((await hookway.api('DELETE', `/v1/dead-letters/${items[0].id}`)).status, 204);
    await settle(1000);
    assert.equal((await handle.describe()).status.name, 'RUNNING', 'one dead letter is still open');
    assert.equal((await hookway.api('DELETE', `/v1/dead-letters/${items[1].id}`)).status, 204);
    await queueWorkflowEnds(endpoint.id);
  });

  test('the first success after an outage redrives the backlog by itself', async () => {
    const target = await outage();
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['op.auto'], retryPolicy: fastRetries(1) });
    const stuck = await deadLetterMessages('op.auto', 2, endpoint.id);

    target.recover();
    const fresh = await scenario.send('op.auto', { fresh: true });
    await scenario.settled(fresh, 'succeeded');
    for (const message of stuck) await scenario.settled(message, 'succeeded');
    assert.equal((await openDeadLetters(endpoint.id)).total, 0);
  });

  test('operators are alerted, with a signed webhook, at the first dead letter and at the threshold', async () => {
    const target = await outage();
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['op.alert'], retryPolicy: fastRetries(1), autoRecover: false });
    await deadLetterMessages('op.alert', 3, endpoint.id);
    const received = await eventually(
      async () => alerts.requests.filter((r) => (r.json as { data?: { endpointId?: string } }).data?.endpointId === endpoint.id),
      (list) => list.length >= 2,
    );
    const kinds = received.map((r) => new Webhook(ALERT_SECRET).verify(r.rawBody, r.headers) as { type: string });
    assert.deepEqual(kinds.map((k) => k.type).sort(), ['hookway.alert.dead_letter_threshold', 'hookway.alert.first_dead_letter']);
  });

  test('temporal workflow reset --query retries a batch of failed deliveries and resolves their dead letters', async () => {
    const target = await outage();
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['op.batch'], retryPolicy: fastRetries(1), autoRecover: false });
    const messages = await deadLetterMessages('op.batch', 2, endpoint.id);

    target.recover();
    const cli = path.join(__dirname, '..', 'src', 'cli', 'temporal.js');
    const query = `WorkflowType="deliveryWorkflow" AND ExecutionStatus="Failed" AND EndpointId="${endpoint.id}"`;
    await run(process.execPath, [cli, 'workflow', 'reset', '--query', query, '--type', 'FirstWorkflowTask', '--reason', 'receiver fixed', '--yes'], {
      env: { ...process.env, TEMPORAL_ADDRESS: hookway.config.temporal.address },
    });
    for (const message of messages) await scenario.settled(message, 'succeeded', 60_000);
    assert.equal((await openDeadLetters(endpoint.id)).total, 0);
  });
});
