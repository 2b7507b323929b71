import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApplicationView } from '../src/api/applications/application.view';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageView } from '../src/api/messages/message.view';
import { eventually, settle } from './support/eventually';
import { parsePrometheusText, sampleValue } from './support/prometheus-text';
import { Receivers, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

// Slots are spaced 5 % wider than the limit asks (src/db/throttles.repository.ts).
const SPACING = 1.05;

describe('isolation between applications', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers = new Receivers();

  before(async () => {
    // Two applications get their own application_id series; every later one is reported as `other`.
    hookway = await startTestHookway({ HOOKWAY_METRICS_APPLICATIONS: '2' });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await hookway.stop();
    await hookway.dropDatabase();
    await receivers.closeAll();
  });

  const receiver = (): Promise<TestReceiver> => receivers.start();
  const application = (body: Record<string, unknown>): Promise<ApplicationView> => scenario.application(body);
  const endpoint = (app: string, url: string): Promise<EndpointView> => scenario.endpointOf(app, { url });
  const send = (app: string, eventType: string, n: number): Promise<MessageView> => scenario.sendTo(app, { eventType, payload: { n } });

  const scrape = async () => parsePrometheusText(await (await fetch(`${hookway.apiUrl}/metrics`)).text());

  test('delivery metrics carry application_id, the first two applications by id and a third as "other"', async () => {
    const apps = [await application({ name: 'M1' }), await application({ name: 'M2' }), await application({ name: 'M3' })];
    for (const [i, app] of apps.entries()) {
      const target = await receiver();
      await endpoint(app.id, target.url);
      // One after the other, so which two are seen first is known.
      await send(app.id, 'metrics.probe', i);
      await target.waitForRequests(1, 60_000);
      await eventually(scrape, (s) => sampleValue(s, 'hookway_deliveries_total', { outcome: 'succeeded', event_type: 'metrics.probe' }) === i + 1, 30_000);
    }
    const samples = await scrape();
    const delivered = (labels: Record<string, string>) => sampleValue(samples, 'hookway_deliveries_total', { outcome: 'succeeded', event_type: 'metrics.probe', ...labels });
    assert.equal(delivered({ application_id: apps[0].id }), 1);
    assert.equal(delivered({ application_id: apps[1].id }), 1);
    assert.equal(delivered({ application_id: 'other' }), 1);
    assert.equal(samples.filter((s) => s.labels.application_id === apps[2].id).length, 0, 'the third application has no series of its own');
    assert.equal(sampleValue(samples, 'hookway_delivery_attempts_total', { result: 'success', application_id: apps[0].id }), 1);
  });

  test('deliveries are found in Temporal by their ApplicationId search attribute', async () => {
    const [mine, theirs] = [await application({ name: 'Search A' }), await application({ name: 'Search B' })];
    const [receiverA, receiverB] = [await receiver(), await receiver()];
    await endpoint(mine.id, receiverA.url);
    await endpoint(theirs.id, receiverB.url);
    const sent = [await send(mine.id, 'search.probe', 1), await send(mine.id, 'search.probe', 2), await send(theirs.id, 'search.probe', 3)];
    await receiverA.waitForRequests(2, 60_000);
    await receiverB.waitForRequests(1, 60_000);
    const expected = sent.slice(0, 2).flatMap((m) => m.deliveries.map((d) => d.workflowId)).sort();
    const listed = async (): Promise<string[]> => {
      const ids: string[] = [];
      for await (const execution of hookway.client.workflow.list({ query: `ApplicationId = "${mine.id}"` })) ids.push(execution.workflowId);
      return ids.sort();
    };
    // Visibility follows a start by a moment.
    assert.deepEqual(await eventually(listed, (ids) => ids.length >= expected.length, 30_000), expected);
    const theirsListed = await eventually(
      async () => (await hookway.client.workflow.count(`ApplicationId = "${theirs.id}"`)).count,
      (count) => count >= 1,
      30_000,
    );
    assert.equal(theirsListed, 1);
  });

  test("an application's rateLimitPerSecond of 5 caps its two endpoints together, and another application is not slowed", async () => {
    const capped = await application({ name: 'Capped', rateLimitPerSecond: 5 });
    const free = await application({ name: 'Free' });
    const [first, second, other] = [await receiver(), await receiver(), await receiver()];
    await endpoint(capped.id, first.url);
    await endpoint(capped.id, second.url);
    await endpoint(free.id, other.url);

    // 15 messages reach both endpoints: 30 attempts under a shared cap of 5/s take at least 29 slots' time.
    const messages = 15;
    for (let i = 0; i < messages; i += 1) await send(capped.id, 'capped.tick', i);
    const freeSent = Date.now();
    for (let i = 0; i < 30; i += 1) await send(free.id, 'free.tick', i);

    const freeGot = await other.waitForRequests(30, 60_000);
    const freeDone = Math.max(...freeGot.map((r) => r.receivedAt));
    const [a, b] = await Promise.all([first.waitForRequests(messages, 90_000), second.waitForRequests(messages, 90_000)]);
    const arrivals = [...a, ...b].map((r: ReceivedRequest) => r.receivedAt).sort((x, y) => x - y);
    const spanMs = arrivals[arrivals.length - 1] - arrivals[0];
    // Slots are 1.05/5 s apart, so 30 attempts span at least 29 × 210 ms = 6.09 s; a worker may send a little
    // late but never early, so only the first arrival's lateness can shorten it. Uncapped they take ~1 s.
    const minimumMs = ((arrivals.length - 1) / 5) * SPACING * 1000;
    assert.ok(spanMs >= minimumMs * 0.9, `30 attempts of the capped application arrived within ${spanMs} ms (at 5/s: at least ${Math.round(minimumMs)} ms)`);
    // No two seconds of it had much more than twice the cap (10): a few attempts a busy worker sent late may
    // bunch with the ones after them. Uncapped, all 30 arrive within about a second.
    for (const start of arrivals) {
      const inWindow = arrivals.filter((t) => t >= start && t < start + 2_000).length;
      assert.ok(inWindow <= 14, `${inWindow} attempts of the capped application within 2 s from ${start - arrivals[0]} ms`);
    }
    // The other application's 30 went at its own pace: all of them before the capped one's were done (at
    // 5/s they alone would have taken 6 s), and well within the time the cap would have imposed.
    assert.ok(freeDone < arrivals[arrivals.length - 1], 'the free application finished before the capped one');
    assert.ok(freeDone - freeSent < minimumMs, `the free application took ${freeDone - freeSent} ms`);
  });

  test("changing an application's rateLimitPerSecond applies at once, not after the slots reserved at the old pace", async () => {
    const slow = await application({ name: 'Slow', rateLimitPerSecond: 0.25 });
    const target = await receiver();
    await endpoint(slow.id, target.url);
    for (let i = 0; i < 3; i += 1) await send(slow.id, 'slow.tick', i);
    await target.waitForRequests(1, 60_000);
    // At 0.25/s every slot reserved so far is 4.2 s after the one before.
    await settle(2_000);
    assert.equal(target.requests.length, 1, 'a second message came within 2 s at 0.25/s');

    const changed = await hookway.api<ApplicationView>('PATCH', `/v1/applications/${slow.id}`, { rateLimitPerSecond: 100 });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const sentAt = Date.now();
    await send(slow.id, 'slow.tick', 99);
    const fresh = await eventually(
      async () => target.requests.find((r) => (JSON.parse(r.rawBody) as { data: { n: number } }).data.n === 99),
      (found) => found !== undefined,
      60_000,
    );
    // At the old pace its slot would follow the two reserved before it: about 10 s away.
    const tookMs = (fresh?.receivedAt ?? Infinity) - sentAt;
    assert.ok(tookMs < 7_000, `the message sent after the change took ${tookMs} ms`);
  });
});
