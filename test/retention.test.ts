import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import type { MessageView } from '../src/api/messages/message.view';
import { retentionScheduleId } from '../src/temporal/retention-schedule';
import type { RetentionResult } from '../workflows/retention.workflow';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const RETENTION = { HOOKWAY_RETENTION: '1d', HOOKWAY_RETENTION_BATCH_SIZE: '10' };

describe('retention', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers: TestReceiver[] = [];

  before(async () => {
    hookway = await startTestHookway(RETENTION);
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await hookway.client.schedule.getHandle(retentionScheduleId(hookway.config.temporal.taskQueue)).delete().catch(() => undefined);
    await Promise.all(receivers.map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  // Moves everything stored so far two days into the past, beyond the one-day retention.
  async function age(): Promise<void> {
    const pg = new PgClient({ connectionString: hookway.config.database.url });
    await pg.connect();
    try {
      await pg.query(`UPDATE messages SET created_at = created_at - interval '2 days'`);
      await pg.query(`UPDATE deliveries SET created_at = created_at - interval '2 days', updated_at = updated_at - interval '2 days'`);
      await pg.query(`UPDATE delivery_attempts SET started_at = started_at - interval '2 days'`);
      await pg.query(`UPDATE endpoints SET deleted_at = deleted_at - interval '2 days' WHERE deleted_at IS NOT NULL`);
      await pg.query(
        `UPDATE dead_letters SET dead_lettered_at = dead_lettered_at - interval '2 days', resolved_at = resolved_at - interval '2 days'`,
      );
    } finally {
      await pg.end();
    }
  }

  const status = async (message: MessageView): Promise<number> => (await hookway.api('GET', `/v1/messages/${message.id}`)).status;

  test('one schedule, with overlap SKIP, exists after two workers started', async () => {
    const second = await startTestHookway(
      { ...RETENTION, DATABASE_URL: hookway.config.database.url, HOOKWAY_TASK_QUEUE: hookway.config.temporal.taskQueue, HOOKWAY_WORKER_METRICS_PORT: '0' },
      { api: false, worker: true },
    );
    try {
      const schedule = await hookway.client.schedule.getHandle(retentionScheduleId(hookway.config.temporal.taskQueue)).describe();
      assert.equal(schedule.policies.overlap, ScheduleOverlapPolicy.SKIP);
      assert.equal(schedule.action.type, 'startWorkflow');
      assert.equal(schedule.action.workflowType, 'retentionWorkflow');
      assert.equal(schedule.action.taskQueue, hookway.config.temporal.taskQueue);
      assert.deepEqual(schedule.action.args, [{ retentionMs: 86_400_000, batchSize: 10, pauseMs: 200 }]);
      assert.equal(schedule.spec.intervals?.[0]?.every, 3_600_000);
      const ours = [];
      for await (const listed of hookway.client.schedule.list()) {
        if (listed.scheduleId === schedule.scheduleId) ours.push(listed);
      }
      assert.ok(ours.length <= 1, 'never two schedules for one deployment');
      // The suite's dev server was started with the default HOOKWAY_RETENTION: Temporal keeps closed workflows as long.
      const { config } = await hookway.client.workflowService.describeNamespace({ namespace: hookway.config.temporal.namespace });
      assert.equal(Number(config?.workflowExecutionRetentionTtl?.seconds), 30 * 86_400);
    } finally {
      await second.stop();
    }
  });

  test('a triggered run deletes, in batches, what ended before the retention, and keeps what is newer, pending or open', async () => {
    const ok = await startReceiver(() => ({ status: 200 }));
    const broken = await startReceiver(() => ({ status: 400 }));
    const unavailable = await startReceiver(() => ({ status: 503 }));
    receivers.push(ok, broken, unavailable);
    const okEndpoint = await scenario.endpoint({ url: ok.url, eventTypes: ['r.ok'] });
    await scenario.endpoint({ url: broken.url, eventTypes: ['r.broken'], retryPolicy: fastRetries(1) });
    // One attempt, then an hour's wait: the delivery stays pending throughout the test.
    await scenario.endpoint({
      url: unavailable.url,
      eventTypes: ['r.pending'],
      retryPolicy: { maxAttempts: 5, initialIntervalMs: 3_600_000, backoffCoefficient: 1, maxIntervalMs: 3_600_000 },
    });

    const oldDelivered: MessageView[] = [];
    for (let i = 0; i < 22; i += 1) oldDelivered.push(await scenario.send('r.ok', { i }));
    for (let i = 0; i < 3; i += 1) oldDelivered.push(await scenario.send('r.ok', { i }, { orderingKey: 'old-key' }));
    for (const message of oldDelivered) await scenario.settled(message, 'succeeded');
    const discarded = await scenario.send('r.broken', { which: 'discarded' });
    const open = await scenario.send('r.broken', { which: 'open' });
    await scenario.settled(discarded, 'dead_lettered');
    await scenario.settled(open, 'dead_lettered');
    const deadLetters = await hookway.api<{ items: { id: string; messageId: string }[] }>('GET', '/v1/dead-letters');
    const discardedLetter = deadLetters.body.items.find((d) => d.messageId === discarded.id);
    assert.ok(discardedLetter);
    assert.equal((await hookway.api('DELETE', `/v1/dead-letters/${discardedLetter.id}`)).status, 204);
    const pending = await scenario.send('r.pending');
    await unavailable.waitForRequests(1);
    // A delivery still pending when its endpoint was deleted can never be delivered: it keeps nothing.
    const leaving = await startReceiver(() => ({ status: 503 }));
    receivers.push(leaving);
    const leavingEndpoint = await scenario.endpoint({
      url: leaving.url,
      eventTypes: ['r.orphaned'],
      retryPolicy: { maxAttempts: 5, initialIntervalMs: 3_600_000, backoffCoefficient: 1, maxIntervalMs: 3_600_000 },
    });
    const orphaned = await scenario.send('r.orphaned');
    await leaving.waitForRequests(1);
    assert.equal((await hookway.api('DELETE', `/v1/endpoints/${leavingEndpoint.id}`)).status, 204);
    await age();

    const recent = [await scenario.send('r.ok', { recent: true }), await scenario.send('r.ok', { recent: true }, { orderingKey: 'new-key' })];
    for (const message of recent) await scenario.settled(message, 'succeeded');

    const schedule = hookway.client.schedule.getHandle(retentionScheduleId(hookway.config.temporal.taskQueue));
    await schedule.trigger();
    const described = await eventually(() => schedule.describe(), (d) => d.info.recentActions.length > 0, 30_000);
    const result = await hookway.client.workflow.getHandle<() => Promise<RetentionResult>>(described.info.recentActions[0].action.workflow.workflowId).result();

    assert.deepEqual(result.deleted, { dead_letters: 1, messages: oldDelivered.length + 2, streams: 1 });
    // One dead-letter batch, the 29 old messages looked at 10 at a time (3), two stream pages (the second empty).
    assert.equal(result.batches, 6);
    for (const message of [...oldDelivered, discarded, orphaned]) assert.equal(await status(message), 404, `old message ${message.id} deleted`);
    for (const message of [...recent, open, pending]) assert.equal(await status(message), 200, `message ${message.id} kept`);
    const still = await hookway.api<{ items: { messageId: string }[] }>('GET', '/v1/dead-letters');
    assert.deepEqual(still.body.items.map((d) => d.messageId), [open.id], 'the open dead letter stays');
    assert.equal((await hookway.api('GET', `/v1/endpoints/${okEndpoint.id}/ordering-keys/old-key`)).status, 404, 'the idle stream is gone');
    assert.equal((await hookway.api('GET', `/v1/endpoints/${okEndpoint.id}/ordering-keys/new-key`)).status, 200);

    // The stream starts over, and its next message is delivered.
    const again = await scenario.send('r.ok', { again: true }, { orderingKey: 'old-key' });
    await scenario.settled(again, 'succeeded');
    const stream = await hookway.api<{ lastSequence: number }>('GET', `/v1/endpoints/${okEndpoint.id}/ordering-keys/old-key`);
    assert.equal(stream.body.lastSequence, 1);
  });
});
