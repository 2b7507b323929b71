/**
 * Records a real history of every workflow type, in the situations its code branches on (a delivery that
 * succeeds, is retried, is dead-lettered, parks behind an open circuit and runs again; an ordered stream;
 * a circuit; a dead-letter queue's redrive; a retention run), and replays each under a replay worker: the
 * workflow code must be deterministic on the histories it makes. With `HOOKWAY_RECORD_HISTORIES=1`
 * (`npm run record-histories`) it also writes them to `test/histories/`, where the unit suite replays the
 * committed ones against the current code, so a change that old histories no longer replay fails CI.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { projectRoot } from '../src/paths';
import { retentionScheduleId } from '../src/temporal/retention-schedule';
import * as workflows from '../workflows';
import { circuitWorkflowId, deadLetterWorkflowId, orderedStreamWorkflowId } from '../workflows/definitions';
import { eventually } from './support/eventually';
import { historyToFile } from './support/history-file';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

/** Where the committed histories live. */
export const HISTORIES_DIR = path.join(projectRoot(), 'test', 'histories');

describe('a recorded history of every workflow type replays on the current code', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers: TestReceiver[] = [];
  const recorded = new Map<string, { workflowId: string; runId?: string }>();

  before(async () => {
    // A queue alert at 3 open dead letters: the bulk dead-lettering behind an open circuit raises one.
    hookway = await startTestHookway({
      HOOKWAY_CIRCUIT_THRESHOLD: '3',
      HOOKWAY_ORPHAN_SWEEP_INTERVAL: '250ms',
      HOOKWAY_REDRIVE_INTERVAL_MS: '10',
      HOOKWAY_DLQ_ALERT_THRESHOLD: '3',
    });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function receiver(answer: (n: number) => number): Promise<TestReceiver> {
    const r = await startReceiver((n) => ({ status: answer(n) }));
    receivers.push(r);
    return r;
  }

  async function runsOf(workflowId: string): Promise<WorkflowExecutionInfo[]> {
    const runs: WorkflowExecutionInfo[] = [];
    for await (const run of hookway.client.workflow.list({ query: `WorkflowId="${workflowId}"` })) runs.push(run);
    return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  }

  test('every situation is recorded', async () => {
    const ok = await receiver(() => 200);
    const flaky = await receiver((n) => (n < 2 ? 503 : 200));
    let brokenUp = false;
    const broken = await receiver(() => (brokenUp ? 200 : 500));
    let downUp = false;
    const down = await receiver(() => (downUp ? 200 : 503));

    await scenario.endpoint({ url: ok.url, eventTypes: ['h.ok'] });
    const succeeded = await scenario.send('h.ok');
    recorded.set('delivery-succeeded', { workflowId: (await scenario.settled(succeeded, 'succeeded')).workflowId });

    await scenario.endpoint({ url: flaky.url, eventTypes: ['h.flaky'], retryPolicy: { maxAttempts: 4, initialIntervalMs: 200, backoffCoefficient: 1, maxIntervalMs: 200 } });
    const retried = await scenario.send('h.flaky');
    const retriedDelivery = await scenario.settled(retried, 'succeeded');
    assert.equal(retriedDelivery.attempts.length, 3);
    recorded.set('delivery-retried', { workflowId: retriedDelivery.workflowId });

    const brokenEndpoint = await scenario.endpoint({ url: broken.url, eventTypes: ['h.broken'], retryPolicy: fastRetries(2) });
    const deadLettered = await scenario.send('h.broken');
    const deadDelivery = await scenario.settled(deadLettered, 'dead_lettered');
    recorded.set('delivery-dead-lettered', { workflowId: deadDelivery.workflowId, runId: (await runsOf(deadDelivery.workflowId))[0]?.runId });
    brokenUp = true;
    assert.equal((await hookway.api('POST', `/v1/endpoints/${brokenEndpoint.id}/dead-letters/retry`)).status, 202);
    await scenario.settled(deadLettered, 'succeeded');
    recorded.set('dead-letter-queue', { workflowId: deadLetterWorkflowId(brokenEndpoint.id) });

    // Three failures open the circuit (the other endpoints fail at most twice in a row); the next message
    // parks before any attempt, then runs again once a probe succeeds.
    const downEndpoint = await scenario.endpoint({
      url: down.url,
      eventTypes: ['h.down'],
      // Long enough that nothing runs out of schedule (14 s) before the receiver comes back; probes 1 s apart.
      retryPolicy: { maxAttempts: 5, initialIntervalMs: 1_000, backoffCoefficient: 2, maxIntervalMs: 10_000 },
    });
    const first = [await scenario.send('h.down'), await scenario.send('h.down'), await scenario.send('h.down')];
    await down.waitForRequests(3);
    // The first message's retry found the circuit open: its run parked and closed.
    const firstParked = await eventually(() => scenario.delivery(first[0].deliveries[0].id), (d) => d.parkedAt !== null);
    // Accepted while the circuit is open: parked at once, without a run.
    const parked = await scenario.send('h.down');
    const parkedDelivery = await scenario.delivery(parked.deliveries[0].id);
    assert.ok(parkedDelivery.parkedAt !== null && parkedDelivery.attempts.length === 0, JSON.stringify(parkedDelivery));
    assert.deepEqual(await runsOf(parkedDelivery.workflowId), []);
    downUp = true;
    for (const message of [...first, parked]) await scenario.settled(message, 'succeeded');
    const parkedRuns = await runsOf(firstParked.workflowId);
    assert.ok(parkedRuns.length >= 2, `${parkedRuns.length} runs`);
    recorded.set('delivery-parked', { workflowId: firstParked.workflowId, runId: parkedRuns[0].runId });
    recorded.set('delivery-run-after-parking', { workflowId: firstParked.workflowId, runId: parkedRuns.at(-1)?.runId });
    await eventually(() => runsOf(circuitWorkflowId(downEndpoint.id)), (runs) => runs.length > 0 && runs.every((r) => r.status.name !== 'RUNNING'));
    recorded.set('endpoint-circuit', { workflowId: circuitWorkflowId(downEndpoint.id) });

    // A circuit that stays open: parked deliveries run out of schedule (2 s) and are dead-lettered in bulk,
    // and the circuit workflow sends the queue alert that raised (sendQueueAlerts).
    const nobody = await receiver(() => 503);
    const closedFor = await scenario.endpoint({
      url: nobody.url,
      eventTypes: ['h.gone'],
      retryPolicy: { maxAttempts: 3, initialIntervalMs: 1_000, backoffCoefficient: 1, maxIntervalMs: 1_000 },
    });
    const gone = [];
    for (let n = 0; n < 3; n += 1) gone.push(await scenario.send('h.gone'));
    await nobody.waitForRequests(3);
    for (let n = 0; n < 3; n += 1) gone.push(await scenario.send('h.gone'));
    for (const message of gone) await scenario.settled(message, 'dead_lettered');
    const alertsSent = async () => {
      const events = (await hookway.client.workflow.getHandle(circuitWorkflowId(closedFor.id)).fetchHistory()).events ?? [];
      return events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendQueueAlerts').length;
    };
    await eventually(alertsSent, (n) => n > 0);
    recorded.set('endpoint-circuit-expiring', { workflowId: circuitWorkflowId(closedFor.id) });

    const okOrdered = await scenario.endpoint({ url: ok.url, eventTypes: ['h.ordered'] });
    for (const n of [1, 2]) await scenario.settled(await scenario.send('h.ordered', { n }, { orderingKey: 'key-1' }), 'succeeded');
    recorded.set('ordered-stream', { workflowId: orderedStreamWorkflowId(okOrdered.id, 'key-1') });

    const schedule = hookway.client.schedule.getHandle(retentionScheduleId(hookway.config.temporal.taskQueue));
    await schedule.trigger();
    const described = await eventually(() => schedule.describe(), (d) => d.info.recentActions.length > 0, 30_000);
    const retention = described.info.recentActions[0].action.workflow;
    await hookway.client.workflow.getHandle(retention.workflowId, retention.firstExecutionRunId).result();
    recorded.set('retention', { workflowId: retention.workflowId, runId: retention.firstExecutionRunId });
  });

  test('each replays without a determinism error; with HOOKWAY_RECORD_HISTORIES=1 they are written to test/histories', async () => {
    const histories = await Promise.all(
      [...recorded].map(async ([name, { workflowId, runId }]) => ({
        name,
        workflowId,
        history: await hookway.client.workflow.getHandle(workflowId, runId).fetchHistory(),
      })),
    );
    const types = new Set(histories.map((h) => h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    assert.deepEqual([...types].sort(), Object.keys(workflows).sort(), 'a history of every workflow type');
    const results = Worker.runReplayHistories({ workflowsPath: require.resolve('../workflows') }, histories);
    for await (const result of results) assert.equal(result.error, undefined, `${result.workflowId}: ${String(result.error)}`);
    if (process.env.HOOKWAY_RECORD_HISTORIES === '1') {
      await fs.mkdir(HISTORIES_DIR, { recursive: true });
      for (const { name, history } of histories) await fs.writeFile(path.join(HISTORIES_DIR, `${name}.json`), historyToFile(history));
    }
  });
});
