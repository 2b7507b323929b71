import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { Client as PgClient } from 'pg';
import type { Client as TemporalClient } from '@temporalio/client';
import { postgresUrl } from '../src/cluster/postgres-target';
import { DEFAULT_APPLICATION_ID, deliveryWorkflowId, type DeliveryResult } from '../workflows/definitions';
import { sendBurst } from './support/burst';
import { eventually } from './support/eventually';
import { alwaysOk, startReceiver, type TestReceiver } from './support/receiver';
import { startTestCluster, type TestCluster } from './support/test-cluster';

const APIS = 2;
const WORKERS = 3;
const BURST = 400;
/** Requests in flight at once, spread over the APIs in turn. */
const CONCURRENCY = 16;
/** `HOOKWAY_MAX_CONCURRENT_ACTIVITIES` of each worker. */
const SLOTS_PER_WORKER = 20;

/**
 * How many requests a delivery's history accounts for: the attempts its workflow made by its own count
 * (failed ones included: a request the receiver got but did not answer in time counts as failed), and one
 * more for each workflow task that timed out (its first attempt, a local activity, may have been sent by a
 * worker that never reported it, then made again). `byKilled` counts those tasks the killed worker started.
 */
async function attemptsAccountedFor(client: TemporalClient, workflowId: string, killedIdentity: string): Promise<{ attempts: number; timedOut: number; byKilled: number }> {
  const handle = client.workflow.getHandle(workflowId);
  const result = (await handle.result()) as DeliveryResult;
  const events = (await handle.fetchHistory()).events ?? [];
  const startedBy = new Map<string, string>();
  let timedOut = 0;
  let byKilled = 0;
  for (const event of events) {
    if (event.workflowTaskStartedEventAttributes) startedBy.set(String(event.eventId), event.workflowTaskStartedEventAttributes.identity ?? '');
    const timeout = event.workflowTaskTimedOutEventAttributes;
    if (timeout) {
      timedOut += 1;
      if (startedBy.get(String(timeout.startedEventId)) === killedIdentity) byKilled += 1;
    }
  }
  return { attempts: result.attempts, timedOut, byKilled };
}

describe('cluster: two APIs and three workers on a Temporal server with PostgreSQL persistence and visibility', () => {
  let cluster: TestCluster;
  let receiver: TestReceiver;

  before(async () => {
    cluster = await startTestCluster({
      apis: APIS,
      workers: WORKERS,
      env: {
        HOOKWAY_MAX_CONCURRENT_ACTIVITIES: String(SLOTS_PER_WORKER),
        HOOKWAY_ALLOW_PRIVATE_NETWORKS: 'true',
        // Attempts timed out on a loaded machine must not open the circuit and park deliveries mid-test.
        HOOKWAY_CIRCUIT_THRESHOLD: '0',
      },
    });
    // Answers after 100 ms, like a receiver at work, so the killed worker has attempts in flight.
    receiver = await startReceiver(alwaysOk, { answerAfterMs: 100 });
  });
  after(async () => {
    await receiver?.close();
    await cluster?.stop();
  });

  async function get(apiUrl: string, path: string): Promise<Response> {
    return fetch(`${apiUrl}${path}`, { headers: cluster.apiHeaders, signal: AbortSignal.timeout(60_000) });
  }

  async function post(apiUrl: string, path: string, body: unknown): Promise<Response> {
    return fetch(`${apiUrl}${path}`, {
      method: 'POST',
      headers: { ...cluster.apiHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
  }

  test('answers every request and delivers every accepted message when a worker is SIGKILLed and an API SIGTERMed mid-burst; every duplicate is an attempt its history accounts for', async (t) => {
    const runId = `cl${randomBytes(3).toString('hex')}`;
    const created = await post(cluster.fleet.apiUrls[0], '/v1/endpoints', {
      url: receiver.url,
      eventTypes: ['cluster.burst'],
      // Attempts lost with the killed worker time out after timeoutMs plus the activity's overhead, then retry soon.
      timeoutMs: 2_000,
      retryPolicy: { maxAttempts: 20, initialIntervalMs: 200, backoffCoefficient: 1, maxIntervalMs: 200 },
    });
    assert.equal(created.status, 201);
    const endpoint = (await created.json()) as { id: string };

    const [killedWorker, stoppedApi] = [cluster.fleet.workers[1], cluster.fleet.apis[1]];
    const urls = cluster.fleet.apiUrls;
    let receivedAtKill = 0;
    let killedIdentity = '';
    let faultsDone: Promise<unknown> = Promise.resolve();
    const outcome = await sendBurst({
      count: BURST,
      concurrency: CONCURRENCY,
      // Round robin over the APIs, as a load balancer spreads them; a refused connection goes to the next.
      route: (i) => urls.map((_, k) => urls[(i + k) % urls.length]),
      headers: cluster.apiHeaders,
      id: (i) => `${runId}-${i}`,
      eventType: 'cluster.burst',
      // A third in, once the workers have attempts in flight.
      stopAt: Math.floor(BURST / 3),
      beforeStop: async () => {
        await receiver.waitForRequests(Math.floor(BURST / 10), 60_000);
      },
      stop: () => {
        receivedAtKill = receiver.requests.length;
        // The SDK's default identity of the worker (and of its process's client, for eager starts).
        killedIdentity = `${killedWorker.pid}@${os.hostname()}`;
        faultsDone = Promise.all([killedWorker.kill(), stoppedApi.stop()]);
        // Awaited once the burst is sent; a failure must not count as unhandled meanwhile.
        faultsDone.catch(() => undefined);
      },
      stopping: urls[1],
    });
    await faultsDone;
    assert.ok(!killedWorker.running && !stoppedApi.running, 'the faults happened');
    t.diagnostic(
      `${BURST} posted over ${APIS} APIs: ${outcome.accepted.size} accepted (202), ${outcome.unanswered.length} unanswered, ` +
        `${outcome.answeredAcrossStop} in flight on api-2 at its SIGTERM and answered, ${outcome.refused} connections refused ` +
        `by the stopped api-2 and sent to api-1, other answers ${JSON.stringify(Object.fromEntries(outcome.otherStatus))}; ` +
        `worker-2 SIGKILLed and api-2 SIGTERMed after ${receivedAtKill} deliveries`,
    );
    assert.deepEqual(outcome.unanswered, [], 'a rolling restart of an API leaves no request without an answer');
    assert.ok(outcome.answeredAcrossStop > 0, 'requests were in flight on api-2 when it got SIGTERM, and were answered');

    const ids = (): string[] => receiver.requests.map((request) => request.headers['webhook-id']);
    await eventually(
      async () => new Set(ids()),
      (seen) => [...outcome.accepted].every((id) => seen.has(id)),
      120_000,
      500,
    );
    const seen = new Map<string, number>();
    for (const id of ids()) seen.set(id, (seen.get(id) ?? 0) + 1);
    const duplicates = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    const unacknowledged = [...seen.keys()].filter((id) => !outcome.accepted.has(id)).length;
    t.diagnostic(
      `receiver: ${seen.size} distinct messages, ${ids().length} requests, ${duplicates} duplicate(s); ` +
        `${unacknowledged} delivered without a 202`,
    );
    // Every request the receiver got is an attempt Temporal knows of: one the delivery counted (failed ones
    // included: on a loaded machine a request answered after 100 ms can still miss the 2 s timeout), or one
    // lost with a workflow task that timed out, the killed worker's above all. Read from each duplicated
    // delivery's history, not from the order of arrival: this process may read requests late.
    const duplicated = [...seen].filter(([, n]) => n > 1);
    const accounted = await Promise.all(
      duplicated.map(async ([id, requests]) => ({ id, requests, ...(await attemptsAccountedFor(cluster.temporalClient.client, deliveryWorkflowId(endpoint.id, id), killedIdentity)) })),
    );
    const sum = (pick: (a: (typeof accounted)[number]) => number): number => accounted.reduce((total, a) => total + pick(a), 0);
    t.diagnostic(
      `duplicated deliveries: ${sum((a) => a.attempts - 1)} retries after failed attempts, ${sum((a) => a.byKilled)} workflow tasks of the killed worker ` +
        `and ${sum((a) => a.timedOut - a.byKilled)} of others timed out`,
    );
    const unaccounted = accounted.filter((a) => a.requests > a.attempts + a.timedOut).map((a) => `${a.id}: ${a.requests} requests, ${a.attempts} attempts, ${a.timedOut} timed-out tasks`);
    assert.deepEqual(unaccounted, [], 'requests that no attempt in the histories of the deliveries accounts for');
    // A receiver that answers every request with 200 after 100 ms can only have been given up on by the
    // deadline: any other recorded failure (a 2xx misread, a deadline cut short) is ours.
    const otherFailures: string[] = [];
    for (const [id] of duplicated) {
      const message = (await (await get(urls[0], `/v1/applications/${DEFAULT_APPLICATION_ID}/messages/${id}`)).json()) as { deliveries: { id: string }[] };
      const delivery = (await (await get(urls[0], `/v1/deliveries/${message.deliveries[0].id}`)).json()) as { attempts: { error?: string }[] };
      for (const attempt of delivery.attempts) if (attempt.error !== undefined && !attempt.error.startsWith('timeout:')) otherFailures.push(`${id}: ${attempt.error}`);
    }
    assert.deepEqual(otherFailures, [], 'failed attempts other than timeouts');
    assert.deepEqual(cluster.fleet.unexpectedExits(), [], 'no Hookway process died on its own');

    // Visibility on PostgreSQL: Temporal lists the workflows by Hookway's EndpointId search attribute...
    const completed = await eventually(
      () => cluster.temporalClient.client.workflow.count(`EndpointId = '${endpoint.id}' AND ExecutionStatus = 'Completed'`),
      (count) => count.count >= outcome.accepted.size,
      60_000,
      500,
    );
    t.diagnostic(`Temporal visibility: ${completed.count} completed workflows with EndpointId = ${endpoint.id}`);
    // ...and those rows are in the visibility database on PostgreSQL, not anywhere else.
    const pg = new PgClient({ connectionString: postgresUrl(cluster.postgres, cluster.postgres.visibilityDatabase) });
    await pg.connect();
    try {
      const rows = await pg.query<{ n: string }>('SELECT count(*) AS n FROM executions_visibility WHERE workflow_id LIKE $1', [`delivery-${endpoint.id}-%`]);
      assert.ok(Number(rows.rows[0].n) >= outcome.accepted.size, `visibility rows ${rows.rows[0].n} < accepted ${outcome.accepted.size}`);
    } finally {
      await pg.end();
    }
  });
});
