import assert from 'node:assert/strict';
import { DEFAULT_APPLICATION } from '../src/domain/applications';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { Agent } from 'undici';
import { createActivities } from '../activities';
import { MessagesRepository } from '../src/db/messages.repository';
import { buildComponents, closeComponents } from '../src/runtime/components';
import { newId } from '../src/domain/ids';
import { createLogger } from '../src/logging/logger';
import { DeliveryMetrics } from '../src/metrics/delivery-metrics';
import { activityDeps } from '../src/temporal/worker';
import { deadLetterWorkflowId, deliveryWorkflowId } from '../workflows/definitions';
import type { DeadLetterList } from './support/api-types';
import { parsePrometheusText, sampleValue } from './support/prometheus-text';
import { eventually, settle } from './support/eventually';
import { startReceiver, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

// Past Temporal's 2 MiB payload limit for a workflow that would hold the queue (about 2,300-6,000 entries).
const COUNT = 10_000;
const THRESHOLD = 1_000;
// Dead letters per endpoint made through the whole delivery path (a workflow each) before the rest.
const VIA_DELIVERY = 50;
const ALERT_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const LONG = 40 * 60_000;

/** Whether a request carries a valid signature now (standardwebhooks refuses timestamps over 5 minutes old). */
function signedBy(secret: string, request: ReceivedRequest): boolean {
  try {
    new Webhook(secret).verify(request.rawBody, request.headers);
    return true;
  } catch {
    return false;
  }
}

type Outage = TestReceiver & { secret: string; accepted: Map<string, number>; badSignatures: number; recover(): void };

/**
 * A receiver that answers 503 until `recover()`, then 200, counting per `webhook-id` what it accepted
 * and checking each signature as it arrives (with `secret`, set once the endpoint exists).
 */
async function outage(): Promise<Outage> {
  let healthy = false;
  const state = { secret: '', accepted: new Map<string, number>(), badSignatures: 0, recover: () => void (healthy = true) };
  const receiver = await startReceiver((_n, request) => {
    if (!healthy) return { status: 503 };
    const id = request.headers['webhook-id'];
    state.accepted.set(id, (state.accepted.get(id) ?? 0) + 1);
    if (!signedBy(state.secret, request)) state.badSignatures += 1;
    return { status: 200 };
  });
  // The same object: what the test sets (`secret`) the script reads.
  return Object.assign(state, { url: receiver.url, requests: receiver.requests, waitForRequests: receiver.waitForRequests, close: receiver.close });
}

/** Runs `task` for 0..count-1, `width` at a time. */
async function inParallel(count: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

describe(`a dead-letter queue of ${COUNT} on one endpoint`, () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  let alerts: TestReceiver;
  const receivers: TestReceiver[] = [];
  // Each alert as it arrived: its type and endpoint, or `invalid` when its signature did not verify.
  const alertLog: { type: string; endpointId: string }[] = [];

  before(async () => {
    alerts = await startReceiver((_n, request) => {
      const valid = signedBy(ALERT_SECRET, request);
      const alert = request.json as { type: string; data: { endpointId: string } };
      alertLog.push({ type: valid ? alert.type : 'invalid', endpointId: alert.data.endpointId });
      return { status: 200 };
    });
    hookway = await startTestHookway({
      HOOKWAY_REDRIVE_INTERVAL_MS: '1',
      HOOKWAY_ALERT_URL: alerts.url,
      HOOKWAY_ALERT_SECRET: ALERT_SECRET,
      HOOKWAY_DLQ_ALERT_THRESHOLD: String(THRESHOLD),
      // The queue is under test, not the circuit: with it, the redriven deliveries would wait for a probe.
      HOOKWAY_CIRCUIT_THRESHOLD: '0',
      // Deliveries the test stores itself are dead-lettered at once; the sweep need not look at them.
      HOOKWAY_ORPHAN_SWEEP_INTERVAL: '1h',
    });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await Promise.all([alerts, ...receivers].map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  const openDeadLetters = async (endpointId: string, query = 'limit=1'): Promise<DeadLetterList> =>
    (await hookway.api<DeadLetterList>('GET', `/v1/dead-letters?endpointId=${endpointId}&${query}`)).body;

  const alertsOf = (endpointId: string): string[] =>
    alertLog
      .filter((a) => a.endpointId === endpointId)
      .map((a) => a.type)
      .sort();

  /** Every message delivered to the receiver exactly once, each signature valid when it arrived. */
  function assertEachDeliveredOnce(receiver: { accepted: Map<string, number>; badSignatures: number }, ids: string[]): void {
    for (const id of ids) assert.equal(receiver.accepted.get(id), 1, `message ${id} accepted ${receiver.accepted.get(id) ?? 0} times`);
    assert.equal(receiver.accepted.size, ids.length);
    assert.equal(receiver.badSignatures, 0);
  }

  test('the operator redrive and automatic recovery each deliver all of them once; each queue alert fires once', { timeout: 3 * LONG }, async () => {
    const [manualTarget, autoTarget] = await Promise.all([outage(), outage()]);
    receivers.push(manualTarget, autoTarget);
    const manual = await scenario.endpoint({ url: manualTarget.url, eventTypes: ['scale.event'], retryPolicy: fastRetries(1), autoRecover: false });
    const auto = await scenario.endpoint({ url: autoTarget.url, eventTypes: ['scale.event', 'scale.fresh'], retryPolicy: fastRetries(1) });
    manualTarget.secret = manual.secret ?? '';
    autoTarget.secret = auto.secret ?? '';

    // The first ones through the whole delivery path: one attempt each to a receiver that answers 503.
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < VIA_DELIVERY; i += 1) ids.push((await scenario.send('scale.event', { n: i })).id);
    for (const endpoint of [manual, auto]) {
      await eventually(() => openDeadLetters(endpoint.id), (list) => list.total === VIA_DELIVERY, LONG, 500);
    }
    // The rest the fastest real way: stored as the API stores a message, then dead-lettered by the worker's
    // own deadLetter activity, as the delivery workflow would after its failed attempt.
    const stored = new MessagesRepository(hookway.db);
    const http = new Agent();
    const alertHttp = new Agent();
    const components = buildComponents({
      config: hookway.config,
      db: hookway.db,
      client: hookway.client,
      // Each dead-lettering logs a warning: 20,000 of them say nothing here.
      logger: createLogger('test', 'error'),
      secretBox: hookway.secretBox,
      metrics: new DeliveryMetrics(),
    });
    const { deadLetter } = createActivities(activityDeps(components, { http, alertHttp, logger: components.logger }));
    // These stand for deliveries whose run already failed: the workers are not told of their outbox rows
    // (migration 024's notification), and each row is taken out right after its commit, before a poll.
    await hookway.db.query('ALTER TABLE delivery_outbox DISABLE TRIGGER delivery_outbox_notify');
    try {
      await inParallel(COUNT - VIA_DELIVERY, 16, async (i) => {
        // Each of its own type: redriven, they are also 10,000 distinct event types through the worker's metrics.
        const candidate = { id: newId('msg'), applicationId: DEFAULT_APPLICATION.id, eventType: `scale.type-${i}`, payload: { n: VIA_DELIVERY + i }, idempotencyKey: null, orderingKey: null };
        const subscribers = [manual, auto].map((e) => ({ id: e.id, workflowId: deliveryWorkflowId(e.id, candidate.id) }));
        const { message, deliveries } = await stored.accept(candidate, { subscribers, filteredOut: 0 });
        ids.push(message.id);
        // A run started for it would only repeat the failure, in Temporal time the redrive needs.
        await hookway.db.query('DELETE FROM delivery_outbox WHERE delivery_id = ANY($1)', [deliveries.map((d) => d.id)]);
        for (const delivery of deliveries) {
          await deadLetter({
            deliveryId: delivery.id,
            messageId: message.id,
            endpointId: delivery.endpointId,
            workflowId: delivery.workflowId,
            eventType: message.eventType,
            error: 'http_503: the receiver answered 503',
            attempts: 1,
          });
        }
      });
    } finally {
      await hookway.db.query('ALTER TABLE delivery_outbox ENABLE TRIGGER delivery_outbox_notify');
      await Promise.all([http.close(), alertHttp.close()]);
      closeComponents(components);
    }
    for (const endpoint of [manual, auto]) assert.equal((await openDeadLetters(endpoint.id)).total, COUNT);
    process.stderr.write(`[dlq-scale] ${2 * COUNT} dead letters in ${Date.now() - started} ms\n`);
    // Every delivery run has closed, so each redrive starts a new one rather than meeting the failing one.
    for (const endpoint of [manual, auto]) {
      const running = `WorkflowType="deliveryWorkflow" AND ExecutionStatus="Running" AND EndpointId="${endpoint.id}"`;
      await eventually(async () => (await hookway.client.workflow.count(running)).count, (n) => n === 0, LONG, 1000);
    }

    // The queue is PostgreSQL's: listed whole by the API, and its workflow was told only of the first entry.
    const listed = new Set<string>();
    for (let after = ''; ; ) {
      const page = await openDeadLetters(manual.id, `limit=100${after ? `&after=${after}` : ''}`);
      assert.equal(page.total, COUNT);
      for (const item of page.items) listed.add(item.id);
      if (page.items.length < 100) break;
      after = page.items[page.items.length - 1].id;
    }
    assert.equal(listed.size, COUNT, 'every open dead letter, once, page after page');
    for (const endpoint of [manual, auto]) {
      // A workflow holding the entries would have outgrown Temporal's payload limit and been terminated.
      for await (const run of hookway.client.workflow.list({ query: `WorkflowId="${deadLetterWorkflowId(endpoint.id)}"` })) {
        assert.notEqual(run.status.name, 'TERMINATED', `dead-letter workflow run ${run.runId} was terminated`);
      }
      const queue = await hookway.client.workflow.getHandle(deadLetterWorkflowId(endpoint.id)).describe();
      assert.equal(queue.status.name, 'RUNNING');
      assert.ok((queue.historyLength ?? Infinity) < 100, `dead-letter workflow history is ${queue.historyLength} events after ${COUNT} dead letters`);
      await eventually(async () => alertsOf(endpoint.id), (kinds) => kinds.length >= 2, 60_000);
    }

    manualTarget.recover();
    autoTarget.recover();
    const redriveStarted = Date.now();
    const redrive = await hookway.api<{ count: number }>('POST', `/v1/endpoints/${manual.id}/dead-letters/retry`);
    assert.equal(redrive.status, 202);
    assert.deepEqual(redrive.body, { count: COUNT });
    // Automatic recovery: the first success on the other endpoint redrives its backlog by itself.
    const fresh = await scenario.send('scale.fresh', { fresh: true });

    await eventually(async () => manualTarget.accepted.size, (n) => n === COUNT, LONG, 1000);
    await eventually(async () => autoTarget.accepted.size, (n) => n === COUNT + 1, LONG, 1000);
    process.stderr.write(`[dlq-scale] ${2 * COUNT} redriven and delivered in ${Date.now() - redriveStarted} ms\n`);
    for (const endpoint of [manual, auto]) {
      await eventually(() => openDeadLetters(endpoint.id), (list) => list.total === 0, 60_000);
      const handle = hookway.client.workflow.getHandle(deadLetterWorkflowId(endpoint.id));
      await eventually(async () => (await handle.describe()).status.name, (status) => status === 'COMPLETED', 60_000);
      // Every run of the queue's workflow kept a short history, however long the queue was.
      for await (const run of hookway.client.workflow.list({ query: `WorkflowId="${deadLetterWorkflowId(endpoint.id)}"` })) {
        assert.ok((run.historyLength ?? 0) < 5_000, `a dead-letter workflow run has ${run.historyLength} events`);
      }
    }

    // Late duplicates would show up now.
    await settle(3000);
    assertEachDeliveredOnce(manualTarget, ids);
    assertEachDeliveredOnce(autoTarget, [...ids, fresh.id]);
    for (const endpoint of [manual, auto]) {
      assert.deepEqual(alertsOf(endpoint.id), ['hookway.alert.dead_letter_threshold', 'hookway.alert.first_dead_letter']);
    }

    // 10,000 distinct event types went through the worker: /metrics stays bounded, the first 50 types seen
    // keep their name and the rest count as "other".
    const samples = parsePrometheusText(await (await fetch(`${hookway.apiUrl}/metrics`)).text());
    const ours = samples.filter((s) => s.name.startsWith('hookway_'));
    const eventTypes = new Set(ours.map((s) => s.labels.event_type).filter((v) => v !== undefined));
    assert.ok(eventTypes.size <= 51 && eventTypes.has('other'), [...eventTypes].join(' '));
    assert.ok(eventTypes.has('scale.event'), 'the first type seen keeps its name');
    const deliveredAsOther = sampleValue(samples, 'hookway_deliveries_total', { endpoint_id: manual.id, event_type: 'other', outcome: 'succeeded' });
    assert.ok(deliveredAsOther >= COUNT - VIA_DELIVERY - 50, `${deliveredAsOther} deliveries counted as "other"`);
    // Per event type and endpoint: a delivery counter per outcome, first attempts, the latency histogram
    // (about 20 lines): 2 endpoints by 51 types, where 10,000 types would make 400,000.
    assert.ok(ours.length < 3_000, `${ours.length} hookway_ series after ${COUNT} event types`);
  });
});
