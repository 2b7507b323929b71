import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageView } from '../src/api/messages/message.view';
import { deadLetterWorkflowId, DEAD_LETTERED_FAILURE_TYPE } from '../workflows/definitions';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const run = promisify(execFile);

interface DeadLetterList {
  total: number;
  items: { id: string; deliveryId: string; messageId: string; endpointId: string; workflowId: string; error: string; attempts: number }[];
}

describe('dead letters', () => {
  let hookway: TestHookway;
  let target: TestReceiver;
  let healthy = false;

  before(async () => {
    hookway = await startTestHookway();
    target = await startReceiver(() => (healthy ? { status: 200 } : { status: 503, body: 'maintenance' }));
  });
  after(async () => {
    await target.close();
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('exhausted attempts produce a dead letter, a Failed workflow and the endpoint dead-letter workflow; a CLI reset delivers it and that workflow ends', async () => {
    const endpoint = (
      await hookway.api<EndpointView>('POST', '/v1/endpoints', {
        url: target.url,
        retryPolicy: { maxAttempts: 3, initialIntervalMs: 100, backoffCoefficient: 1, maxIntervalMs: 100 },
      })
    ).body;
    const sent = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'report.ready', payload: { report: 9 } });
    const { id: deliveryId, workflowId } = sent.body.deliveries[0];

    const delivery = await eventually(
      async () => (await hookway.api<DeliveryView>('GET', `/v1/deliveries/${deliveryId}`)).body,
      (d) => d.status === 'dead_lettered',
    );
    assert.equal(delivery.attempts.length, 3);
    assert.equal(target.requests.length, 3);

    const list = await hookway.api<DeadLetterList>('GET', `/v1/dead-letters?endpointId=${endpoint.id}`);
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 1);
    assert.equal(list.body.items[0].deliveryId, deliveryId);
    assert.equal(list.body.items[0].messageId, sent.body.id);
    assert.equal(list.body.items[0].attempts, 3);
    assert.match(list.body.items[0].error, /503/);

    const handle = hookway.client.workflow.getHandle(workflowId);
    await assert.rejects(handle.result(), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.ok(error.cause instanceof ApplicationFailure);
      assert.equal(error.cause.type, DEAD_LETTERED_FAILURE_TYPE);
      assert.match(error.cause.message, /dead-lettered after 3 attempt\(s\): http_503/);
      return true;
    });
    assert.equal((await handle.describe()).status.name, 'FAILED');

    const queue = hookway.client.workflow.getHandle(deadLetterWorkflowId(endpoint.id));
    assert.equal((await queue.describe()).status.name, 'RUNNING', 'the first dead letter started the queue workflow');

    // The receiver recovers; an operator resets the Failed workflow with the Temporal CLI.
    healthy = true;
    const cli = path.join(__dirname, '..', 'src', 'cli', 'temporal.js');
    const reset = await run(process.execPath, [cli, 'workflow', 'reset', '-w', workflowId, '--type', 'FirstWorkflowTask', '--reason', 'receiver fixed'], {
      env: { ...process.env, TEMPORAL_ADDRESS: hookway.config.temporal.address },
    });
    assert.match(reset.stdout + reset.stderr, /reset|runId/i);
    await target.waitForRequests(4);
    assert.equal(target.requests[3].headers['webhook-id'], sent.body.id, 'the retried delivery keeps its webhook-id');
    const after = await eventually(
      async () => (await hookway.api<DeliveryView>('GET', `/v1/deliveries/${deliveryId}`)).body,
      (d) => d.status === 'succeeded',
    );
    assert.equal(after.attempts.at(-1)?.statusCode, 200);
    const cleared = await hookway.api<DeadLetterList>('GET', `/v1/dead-letters?endpointId=${endpoint.id}`);
    assert.equal(cleared.body.total, 0, 'the delivered dead letter left the queue');
    await eventually(async () => (await queue.describe()).status.name, (status) => status === 'COMPLETED');
  });
});
