import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageView } from '../src/api/messages/message.view';
import { eventually, settle } from './support/eventually';
import { parsePrometheusText, sampleValue } from './support/prometheus-text';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestHookway, type TestHookway } from './support/test-hookway';

// A circuit that opens after 5 failures in a row, so a handful of messages is enough to open it.
const THRESHOLD = 5;
const ALERT_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('circuit breaker', () => {
  let hookway: TestHookway;
  const receivers: TestReceiver[] = [];
  // Every alert that reached the alert receiver: its type, endpoint, whether its signature verified, and
  // what the receiver answered (the first queue alert of each endpoint is refused once, to be sent again).
  const alertLog: { type: string; endpointId: string; signed: boolean; status: number }[] = [];

  before(async () => {
    const alerts = await startReceiver((_n, request) => {
      const alert = request.json as { type: string; data: { endpointId: string } };
      let signed = true;
      try {
        new Webhook(ALERT_SECRET).verify(request.rawBody, request.headers);
      } catch {
        signed = false;
      }
      const refuse = alert.type.endsWith('first_dead_letter') && !alertLog.some((a) => a.type === alert.type && a.endpointId === alert.data.endpointId);
      alertLog.push({ type: alert.type, endpointId: alert.data.endpointId, signed, status: refuse ? 503 : 200 });
      return { status: refuse ? 503 : 200 };
    });
    receivers.push(alerts);
    // Frequent sweeps: each makes sure open circuits have their workflow, which must not delay the probes.
    hookway = await startTestHookway({
      HOOKWAY_CIRCUIT_THRESHOLD: String(THRESHOLD),
      HOOKWAY_ORPHAN_SWEEP_INTERVAL: '250ms',
      HOOKWAY_ALERT_URL: alerts.url,
      HOOKWAY_ALERT_SECRET: ALERT_SECRET,
    });
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function endpointWith(receiver: TestReceiver, eventType: string, retryPolicy: Record<string, number>): Promise<EndpointView> {
    const created = await hookway.api<EndpointView>('POST', '/v1/endpoints', { url: receiver.url, eventTypes: [eventType], retryPolicy });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  async function post(eventType: string, count: number): Promise<MessageView[]> {
    const sent: MessageView[] = [];
    for (let n = 0; n < count; n += 1) {
      const response = await hookway.api<MessageView>('POST', '/v1/messages', { eventType, payload: { n } });
      assert.equal(response.status, 202, JSON.stringify(response.body));
      sent.push(response.body);
    }
    return sent;
  }

  const deliveriesOf = (messages: MessageView[]): Promise<DeliveryView[]> =>
    Promise.all(messages.map(async (m) => (await hookway.api<DeliveryView>('GET', `/v1/deliveries/${m.deliveries[0].id}`)).body));

  test('a receiver that keeps failing opens the circuit: deliveries wait without attempts, then all arrive once a probe succeeds', async () => {
    let down = true;
    const target = await startReceiver(() => (down ? { status: 503, body: 'down for maintenance' } : { status: 200 }));
    receivers.push(target);
    // Without the circuit every delivery would retry after 0.5 s, 0.75 s, 1.1 s, ... (up to 12 attempts each).
    const endpoint = await endpointWith(target, 'invoice.circuit', { maxAttempts: 12, initialIntervalMs: 500, backoffCoefficient: 1.5, maxIntervalMs: 60_000 });
    const sent = await post('invoice.circuit', 20);

    const opened = await eventually(
      async () => (await hookway.api<EndpointView>('GET', `/v1/endpoints/${endpoint.id}`)).body,
      (e) => e.circuit.state === 'open',
    );
    assert.ok(opened.circuit.consecutiveFailures >= THRESHOLD, JSON.stringify(opened.circuit));
    assert.ok(opened.circuit.openedAt);
    const parked = await eventually(
      () => deliveriesOf(sent),
      (all) => all.every((d) => d.parkedAt !== null),
    );
    assert.ok(parked.every((d) => d.status === 'pending'));
    // A parked delivery holds no open run (nothing in Temporal grows with the queue): a run that parked
    // closed, and says so in the Web UI; one accepted while the circuit was open never started one. Each
    // knows when it will be dead-lettered if the circuit stays open.
    const closedRuns: string[] = [];
    for (const d of parked) {
      assert.ok(d.parkedUntil !== null && Date.parse(d.parkedUntil) > Date.parse(d.parkedAt ?? ''), JSON.stringify(d));
      const handle = hookway.client.workflow.getHandle(d.workflowId);
      const described = async () => {
        try {
          return await handle.describe();
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return undefined;
          throw error;
        }
      };
      const run = await eventually(described, (r) => r === undefined || r.status.name !== 'RUNNING');
      if (run === undefined) continue;
      assert.equal(run.status.name, 'FAILED');
      const closed = await handle.result().then(
        () => 'completed',
        (error: Error) => String(error.cause instanceof Error ? error.cause.message : error),
      );
      assert.match(closed, /parked after \d+ attempt\(s\)/);
      closedRuns.push(d.id);
    }
    // The first message was attempted before the circuit opened: its run parked, on its retry.
    assert.ok(closedRuns.includes(parked[0].id), JSON.stringify(closedRuns));
    // Accepted while the circuit is open: parked at once with its whole schedule ahead, and no run.
    const late = await post('invoice.circuit', 2);
    for (const message of late) {
      const d = (await hookway.api<DeliveryView>('GET', `/v1/deliveries/${message.deliveries[0].id}`)).body;
      assert.ok(d.parkedAt !== null && d.attempts.length === 0, JSON.stringify(d));
      assert.ok(Date.parse(d.parkedUntil ?? '') - Date.parse(d.parkedAt) > 60_000, 'the 11 delays of its schedule ahead');
      await assert.rejects(hookway.client.workflow.getHandle(d.workflowId).describe(), WorkflowNotFoundError);
    }
    sent.push(...late);
    const metrics = parsePrometheusText(await (await fetch(`${hookway.apiUrl}/metrics`)).text());
    assert.equal(sampleValue(metrics, 'hookway_circuit_open', { endpoint_id: endpoint.id }), 1);
    assert.equal(sampleValue(metrics, 'hookway_parked_deliveries', { endpoint_id: endpoint.id }), 22);


    // While open, only probes reach the receiver: one after 0.5 s, then 0.75 s, 1.1 s, 1.7 s, ... apart.
    const before = target.requests.length;
    await settle(3000);
    const duringOpen = target.requests.length - before;
    assert.ok(duringOpen <= 4, `${duringOpen} requests in 3 s with the circuit open (20 deliveries would have made ~60 without it)`);

    down = false;
    const recoveredAt = Date.now();
    const done = await eventually(
      () => deliveriesOf(sent),
      (all) => all.every((d) => d.status === 'succeeded'),
      45_000,
    );
    assert.ok(done.every((d) => d.parkedAt === null));
    // After the recovery each message arrived exactly once: the probe's, then the released ones.
    const afterRecovery = target.requests.filter((r) => r.receivedAt >= recoveredAt).map((r) => r.headers['webhook-id']);
    assert.deepEqual([...afterRecovery].sort(), sent.map((m) => m.id).sort());
    const closed = (await hookway.api<EndpointView>('GET', `/v1/endpoints/${endpoint.id}`)).body;
    assert.deepEqual(closed.circuit, { state: 'closed', openedAt: null, consecutiveFailures: 0 });
    const after = parsePrometheusText(await (await fetch(`${hookway.apiUrl}/metrics`)).text());
    assert.equal(sampleValue(after, 'hookway_circuit_open', { endpoint_id: endpoint.id }), 0);
    assert.equal(sampleValue(after, 'hookway_parked_deliveries', { endpoint_id: endpoint.id }), 0);
  });

  test('re-enabling an endpoint closes its circuit and releases its parked deliveries without waiting for a probe', async () => {
    let down = true;
    const target = await startReceiver(() => (down ? { status: 502 } : { status: 200 }));
    receivers.push(target);
    // Probes a minute apart: what arrives within the test came through the release, not a probe.
    const endpoint = await endpointWith(target, 'invoice.reenabled', { maxAttempts: 6, initialIntervalMs: 60_000, backoffCoefficient: 2, maxIntervalMs: 600_000 });
    const sent = await post('invoice.reenabled', THRESHOLD + 4);
    // Those that failed before the circuit opened wait for their retry a minute out; the others park.
    const waiting = await eventually(
      () => deliveriesOf(sent),
      (all) => all.filter((d) => d.parkedAt !== null).length >= 4,
    );
    const parked = waiting.filter((d) => d.parkedAt !== null).map((d) => d.id);

    down = false;
    const patched = await hookway.api<EndpointView>('PATCH', `/v1/endpoints/${endpoint.id}`, { disabled: false });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.circuit.state, 'closed');
    const done = await eventually(
      () => deliveriesOf(sent.filter((m) => parked.includes(m.deliveries[0].id))),
      (all) => all.every((d) => d.status === 'succeeded'),
      20_000,
    );
    assert.ok(done.every((d) => d.parkedAt === null));
  });

  test('parked deliveries still reach the dead-letter queue when their schedule runs out', async () => {
    const target = await startReceiver(() => ({ status: 500, body: 'broken' }));
    receivers.push(target);
    // Four attempts 0.4 s apart: the whole schedule is 1.2 s, so parked deliveries run out of it soon.
    const endpoint = await endpointWith(target, 'invoice.doomed', { maxAttempts: 4, initialIntervalMs: 400, backoffCoefficient: 1, maxIntervalMs: 400 });
    const sent = await post('invoice.doomed', 10);

    const ended = await eventually(
      () => deliveriesOf(sent),
      (all) => all.every((d) => d.status === 'dead_lettered'),
    );
    // Those that came after the circuit opened parked and were dead-lettered when their schedule ran out,
    // with no attempt beyond a probe's: fewer requests than the schedules would have made.
    assert.ok(ended.some((d) => d.attempts.length < 4), JSON.stringify(ended.map((d) => d.attempts.length)));
    assert.ok(target.requests.length < 10 * 4, `${target.requests.length} requests (40 without the circuit)`);
    const letters = await hookway.api<{ items: { deliveryId: string; error: string; attempts: number }[] }>('GET', `/v1/dead-letters?endpointId=${endpoint.id}`);
    assert.equal(letters.status, 200);
    assert.deepEqual(new Set(letters.body.items.map((l) => l.deliveryId)), new Set(ended.map((d) => d.id)));
    // The dead letter says why, with the attempts the delivery made.
    const expired = letters.body.items.filter((l) => l.error.startsWith('circuit_open:'));
    assert.ok(expired.length > 0, JSON.stringify(letters.body.items.map((l) => l.error)));
    for (const letter of expired) {
      const delivery = ended.find((d) => d.id === letter.deliveryId);
      assert.equal(letter.attempts, delivery?.attempts.length, JSON.stringify({ letter, attempts: delivery?.attempts }));
    }
    assert.ok(expired.some((l) => l.attempts === 0), 'a delivery that parked before its first attempt is dead-lettered without one');
    // The queue's first dead letter raised one signed alert, sent again after the alert receiver refused it.
    const first = await eventually(
      async () => alertLog.filter((a) => a.endpointId === endpoint.id && a.type === 'hookway.alert.first_dead_letter'),
      (sent) => sent.some((a) => a.status === 200),
    );
    assert.deepEqual(first.map((a) => [a.status, a.signed]), [[503, true], [200, true]]);

    // Once the receiver answers, a redrive delivers every one of them, parked or not.
    const healed = await startReceiver(() => ({ status: 200 }));
    receivers.push(healed);
    const patched = await hookway.api('PATCH', `/v1/endpoints/${endpoint.id}`, { url: healed.url, disabled: false });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const redrive = await hookway.api<{ count: number }>('POST', `/v1/endpoints/${endpoint.id}/dead-letters/retry`);
    assert.equal(redrive.status, 202, JSON.stringify(redrive.body));
    await eventually(
      () => deliveriesOf(sent),
      (all) => all.every((d) => d.status === 'succeeded'),
      30_000,
    );
    assert.deepEqual(new Set(healed.requests.map((r) => r.headers['webhook-id'])), new Set(sent.map((m) => m.id)));
  });
});

describe('circuit breaker, released slowly', () => {
  let hookway: TestHookway;
  const receivers: TestReceiver[] = [];

  before(async () => {
    // One release a second: the release outlasts the parked deliveries' schedules.
    hookway = await startTestHookway({ HOOKWAY_CIRCUIT_THRESHOLD: '3', HOOKWAY_CIRCUIT_RELEASE_PER_SECOND: '1', HOOKWAY_ORPHAN_SWEEP_INTERVAL: '250ms' });
  });
  after(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('once the circuit has closed, parked deliveries are released however late, never dead-lettered for their schedule', async () => {
    let down = true;
    const target = await startReceiver(() => (down ? { status: 503 } : { status: 200 }));
    receivers.push(target);
    // 3 attempts 1 s apart: a delivery parked before its first attempt has 2 s of schedule.
    const created = await hookway.api<EndpointView>('POST', '/v1/endpoints', {
      url: target.url,
      eventTypes: ['slow.release'],
      retryPolicy: { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 1, maxIntervalMs: 1000 },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const send = async (): Promise<MessageView> => (await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'slow.release', payload: {} })).body;
    // Three first attempts fail and open the circuit.
    for (let i = 0; i < 3; i += 1) await send();
    await eventually(async () => (await hookway.api<EndpointView>('GET', `/v1/endpoints/${created.body.id}`)).body, (e) => e.circuit.state === 'open');
    const parked: MessageView[] = [];
    for (let i = 0; i < 4; i += 1) parked.push(await send());
    down = false;
    // The probe (after 1 s) succeeds and closes the circuit; the release then takes about 4 s, past the
    // 2 s the parked deliveries had left: each is delivered, none dead-lettered.
    for (const message of parked) {
      const done = await eventually(
        async () => (await hookway.api<DeliveryView>('GET', `/v1/deliveries/${message.deliveries[0].id}`)).body,
        (d) => d.status !== 'pending',
        30_000,
      );
      assert.equal(done.status, 'succeeded', JSON.stringify(done));
    }
    const letters = await hookway.api<{ items: { deliveryId: string; error: string }[] }>('GET', `/v1/dead-letters?endpointId=${created.body.id}`);
    assert.deepEqual(letters.body.items.filter((l) => parked.some((m) => m.deliveries[0].id === l.deliveryId)), []);
  });
});
