import assert from 'node:assert/strict';
import { DEFAULT_APPLICATION } from '../src/domain/applications';
import { after, before, describe, test } from 'node:test';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import { CircuitsRepository } from '../src/db/circuits.repository';
import { DeliveriesRepository } from '../src/db/deliveries.repository';
import { EndpointsRepository } from '../src/db/endpoints.repository';
import { MessagesRepository, type AcceptedMessage } from '../src/db/messages.repository';
import { createLogger } from '../src/logging/logger';
import { OrderedStreamsRepository } from '../src/db/ordered-streams.repository';
import { CircuitSignals } from '../src/temporal/circuit-signals';
import { deliveryInputFor } from '../src/temporal/delivery-input';
import { DeliveryStarter } from '../src/temporal/delivery-starter';
import { OrderedStreamSignals } from '../src/temporal/ordered-stream-signals';
import { OrphanSweeper } from '../src/temporal/orphan-sweeper';
import { eventually, settle } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';
import { deliveryWorkflowId } from '../workflows/definitions';

const SWEEP_INTERVAL_MS = 5_000;
const DELETED = 400;
const TERMINATED = 300;
// The first is sent at once; the others wait for slots 105 s apart.
const RATE_LIMITED = 301;

describe('the orphan sweep', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  let messages: MessagesRepository;
  let endpoints: EndpointsRepository;
  const receivers: TestReceiver[] = [];

  before(async () => {
    hookway = await startTestHookway({ HOOKWAY_ORPHAN_SWEEP_INTERVAL: `${SWEEP_INTERVAL_MS}ms` });
    scenario = new Scenario(hookway);
    messages = new MessagesRepository(hookway.db);
    endpoints = new EndpointsRepository(hookway.db, hookway.secretBox);
    // Deliveries to the endpoints listed here are stored without their outbox row, as none was written
    // before the outbox existed: nothing will start them but the sweep.
    await hookway.db.query(`CREATE TABLE test_stranded (endpoint_id text PRIMARY KEY)`);
    await hookway.db.query(
      `CREATE FUNCTION test_strand() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM deliveries d JOIN test_stranded s ON s.endpoint_id = d.endpoint_id WHERE d.id = NEW.delivery_id) THEN RETURN NULL; END IF;
         RETURN NEW;
       END $$`,
    );
    await hookway.db.query('CREATE TRIGGER test_strand BEFORE INSERT ON delivery_outbox FOR EACH ROW EXECUTE FUNCTION test_strand()');
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function endpointWithReceiver(eventType: string, extra: Record<string, unknown> = {}): Promise<{ endpoint: EndpointView; receiver: TestReceiver }> {
    const receiver = await startReceiver();
    receivers.push(receiver);
    return { endpoint: await scenario.endpoint({ url: receiver.url, eventTypes: [eventType], ...extra }), receiver };
  }

  // Out of the sweep's sight until the test says go: stored "in the future".
  async function hide(endpointId: string): Promise<void> {
    await hookway.db.query("UPDATE deliveries SET created_at = now() + interval '1 day' WHERE endpoint_id = $1", [endpointId]);
  }

  /** Stored messages whose delivery has no outbox row (nothing starts it but the sweep): `count` of them. */
  async function stranded(eventType: string, endpointId: string, count: number): Promise<AcceptedMessage[]> {
    await hookway.db.query('INSERT INTO test_stranded (endpoint_id) VALUES ($1) ON CONFLICT DO NOTHING', [endpointId]);
    const stored: AcceptedMessage[] = [];
    for (let i = 0; i < count; i += 25) {
      const chunk = Array.from({ length: Math.min(25, count - i) }, (_, j) =>
        messages.accept(
          { id: `evt_${eventType}_${i + j}`, applicationId: DEFAULT_APPLICATION.id, eventType, payload: { n: i + j }, idempotencyKey: null, orderingKey: null },
          { subscribers: [{ id: endpointId, workflowId: deliveryWorkflowId(endpointId, `evt_${eventType}_${i + j}`) }], filteredOut: 0 },
        ),
      );
      stored.push(...(await Promise.all(chunk)));
      await hide(endpointId);
    }
    return stored;
  }

  test('starts a real orphan within two sweep intervals behind 1,000 deliveries it cannot start, and asks about those once only', async (t) => {
    // Deliveries of an endpoint deleted before their workflows started.
    const gone = await endpointWithReceiver('sweep.gone');
    await stranded('sweep.gone', gone.endpoint.id, DELETED);
    assert.equal((await hookway.api('DELETE', `/v1/endpoints/${gone.endpoint.id}`)).status, 204);

    // Deliveries whose workflow an operator terminated before its first attempt (started where no worker
    // polls, so it cannot have made one).
    const cut = await endpointWithReceiver('sweep.cut');
    const cutEndpoint = await endpoints.findById(cut.endpoint.id);
    assert.ok(cutEndpoint);
    const cutMessages = await stranded('sweep.cut', cut.endpoint.id, TERMINATED);
    for (let i = 0; i < cutMessages.length; i += 25) {
      await Promise.all(
        cutMessages.slice(i, i + 25).map(async ({ message, deliveries: [delivery] }) => {
          const { input } = deliveryInputFor(message, delivery, cutEndpoint);
          const handle = await hookway.client.workflow.start('deliveryWorkflow', { workflowId: delivery.workflowId, taskQueue: 'sweep-test-nobody-polls', args: [input] });
          await handle.terminate('an operator stopped it');
        }),
      );
    }

    // Deliveries waiting for a distant rate-limit slot: their workflows run, with no attempt yet.
    const paced = await endpointWithReceiver('sweep.paced', { rateLimitPerSecond: 0.01 });
    for (let i = 0; i < RATE_LIMITED; i += 25) {
      await Promise.all(Array.from({ length: Math.min(25, RATE_LIMITED - i) }, (_, j) => scenario.send('sweep.paced', { n: i + j })));
      await hide(paced.endpoint.id);
    }

    const real = await endpointWithReceiver('sweep.real');
    const [orphan] = await stranded('sweep.real', real.endpoint.id, 1);
    const orphanDelivery = orphan.deliveries[0];

    // Go: every unstartable delivery is older than the orphan, so each sweep meets all of them first.
    await hookway.db.query(
      `UPDATE deliveries SET created_at = CASE WHEN id = $1 THEN now() - interval '1 hour' ELSE now() - interval '2 hours' END
       WHERE endpoint_id = ANY ($2::text[])`,
      [orphanDelivery.id, [gone.endpoint.id, cut.endpoint.id, paced.endpoint.id, real.endpoint.id]],
    );
    const go = Date.now();
    const { rows } = await hookway.db.query<{ ahead: number }>(
      `SELECT count(*)::int AS ahead FROM deliveries d
       WHERE d.status = 'pending' AND d.id <> $1 AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id)`,
      [orphanDelivery.id],
    );
    assert.ok(rows[0].ahead >= 1_000, `${rows[0].ahead} unstartable deliveries ahead of the orphan`);

    const [request] = await real.receiver.waitForRequests(1, 4 * SWEEP_INTERVAL_MS);
    assert.equal(request.headers['webhook-id'], orphan.message.id);
    const startedAt = (await hookway.client.workflow.getHandle(orphanDelivery.workflowId).describe()).startTime.getTime();
    t.diagnostic(`orphan delivered ${request.receivedAt - go} ms after it became one, its workflow started after ${startedAt - go} ms`);
    assert.ok(
      request.receivedAt - go <= 2 * SWEEP_INTERVAL_MS,
      `delivered ${request.receivedAt - go} ms after it became an orphan (its workflow started after ${startedAt - go} ms)`,
    );

    // Nothing was sent for the unstartable ones, and the terminated workflows were left as the operator left them.
    assert.equal(gone.receiver.requests.length, 0);
    assert.equal(cut.receiver.requests.length, 0);
    const cutStatus = await hookway.client.workflow.getHandle(cutMessages[0].deliveries[0].workflowId).describe();
    assert.equal(cutStatus.status.name, 'TERMINATED');

    // Every later sweep has nothing to ask Temporal about them. Rows still in the outbox (a loaded machine,
    // the start gate) are the outbox's, not the sweep's: once they are started, the next sweep checks them.
    await eventually(async () => (await hookway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_outbox')).rows[0].n, (n) => n === 0, 60_000, 200);
    await settle(2 * SWEEP_INTERVAL_MS);
    const sweeper = new OrphanSweeper(
      {
        deliveries: new DeliveriesRepository(hookway.db),
        endpoints,
        streams: new OrderedStreamsRepository(hookway.db),
        circuits: new CircuitsRepository(hookway.db),
      },
      new DeliveryStarter(hookway.client, hookway.config.temporal.taskQueue),
      {
        streams: new OrderedStreamSignals(hookway.client, hookway.config.temporal.taskQueue),
        circuits: new CircuitSignals(hookway.client, { taskQueue: hookway.config.temporal.taskQueue, releasePerSecond: 100 }),
      },
      { intervalMs: SWEEP_INTERVAL_MS, olderThanMs: 2 * SWEEP_INTERVAL_MS, batch: 200 },
      createLogger('test', 'warn'),
    );
    const again = await sweeper.sweepOnce();
    assert.deepEqual({ checked: again.checked, started: again.started, failed: again.failed }, { checked: 0, started: 0, failed: 0 });
  });
});
