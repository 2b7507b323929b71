import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApplicationView } from '../src/api/applications/application.view';
import type { DeadLetterPage } from '../src/api/dead-letters/dead-letter.view';
import type { DeliveryLogPage } from '../src/api/deliveries/delivery-log.view';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageLogPage } from '../src/api/messages/message-log.view';
import type { MessageView } from '../src/api/messages/message.view';
import type { StatsView } from '../src/api/stats/stats.view';
import { eventually } from './support/eventually';
import { Receivers, type ReceiverScript, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario, startedForSuite } from './support/scenario';
import type { TestHookway } from './support/test-hookway';

interface Listed {
  id: string;
  createdAt: string;
}

/**
 * Newest first. The API shows milliseconds while the order is by PostgreSQL's microseconds, then id, so
 * items of one millisecond may come in either id order.
 */
function assertNewestFirst(items: Listed[]): void {
  for (let i = 1; i < items.length; i++) {
    const [newer, older] = [items[i - 1], items[i]];
    assert.ok(newer.createdAt >= older.createdAt, `${newer.id} (${newer.createdAt}) listed before ${older.id} (${older.createdAt})`);
  }
}

/** The same instant written with a +02:00 offset. */
function withOffset(iso: string): string {
  return new Date(new Date(iso).getTime() + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
}

describe('application lists: messages, an endpoint\'s deliveries, dead letters and stats, newest first', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers = new Receivers();

  startedForSuite(receivers, (started) => ({ hookway, scenario } = started));

  const receiver = (script?: ReceiverScript): Promise<TestReceiver> => receivers.start(script);
  const application = (uid: string): Promise<ApplicationView> => scenario.application({ name: uid, uid });
  const endpoint = (app: string, body: Record<string, unknown>): Promise<EndpointView> => scenario.endpointOf(app, body);
  const send = (app: string, eventType: string, extra: Record<string, unknown> = {}): Promise<MessageView> =>
    scenario.sendTo(app, { eventType, payload: { secret: 'payload-stays-out' }, ...extra });

  async function get<T>(path: string): Promise<T> {
    const answer = await hookway.api<T>('GET', path);
    assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Every page of a list, following `after`, with `between` run before each next page. */
  async function allPages<T extends { id: string }>(path: string, limit: number, between: () => Promise<void> = async () => {}): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let pages = 0;
    for (;;) {
      const separator = path.includes('?') ? '&' : '?';
      const last = items.at(-1);
      const page = await get<{ items: T[] }>(`${path}${separator}limit=${limit}${last ? `&after=${last.id}` : ''}`);
      pages++;
      assert.ok(page.items.length <= limit);
      items.push(...page.items);
      if (page.items.length < limit) return { items, pages };
      await between();
    }
  }

  test('messages: newest first without payloads, with delivery counts; eventType, since and until filter; another application\'s never appear', async () => {
    const acme = await application('lists-acme');
    const other = await application('lists-other');
    const ok = await receiver();
    await endpoint(acme.uid, { url: ok.url });
    await endpoint(acme.uid, { url: ok.url, eventTypes: ['order.paid'] });
    await endpoint(other.uid, { url: ok.url });

    const sent: MessageView[] = [];
    for (let i = 0; i < 6; i++) sent.push(await send(acme.uid, i % 2 === 0 ? 'order.created' : 'order.paid', { id: `msg_shared_${i}` }));
    // The other application uses the same message ids: a cursor is resolved within the listed application only.
    for (let i = 0; i < 6; i++) await send(other.uid, 'order.created', { id: `msg_shared_${i}` });
    await ok.waitForRequests(6 + 3 + 6, 30_000);

    const listed = await eventually(
      () => get<MessageLogPage>(`/v1/applications/${acme.uid}/messages`),
      (page) => page.items.every((m) => m.deliveries.pending === 0),
    );
    assert.deepEqual(listed.items.map((m) => m.id), sent.map((m) => m.id).reverse());
    assertNewestFirst(listed.items);
    for (const item of listed.items) {
      assert.equal('payload' in item, false, 'the list leaves the payload to GET .../messages/{id}');
      const subscribed = item.eventType === 'order.paid' ? 2 : 1;
      assert.deepEqual(item.deliveries, { total: subscribed, pending: 0, succeeded: subscribed, deadLettered: 0 });
    }

    const paid = await get<MessageLogPage>(`/v1/applications/${acme.uid}/messages?eventType=order.paid`);
    assert.deepEqual(paid.items.map((m) => m.id), ['msg_shared_5', 'msg_shared_3', 'msg_shared_1']);
    assert.deepEqual((await get<MessageLogPage>(`/v1/applications/${acme.uid}/messages?eventType=order`)).items, [], 'eventType matches exactly');

    // since is inclusive, until exclusive.
    const window = await get<MessageLogPage>(`/v1/applications/${acme.uid}/messages?since=${encodeURIComponent(sent[1].createdAt)}&until=${encodeURIComponent(sent[4].createdAt)}`);
    assert.deepEqual(window.items.map((m) => m.id), ['msg_shared_3', 'msg_shared_2', 'msg_shared_1']);
    const fromOffset = await get<MessageLogPage>(`/v1/applications/${acme.uid}/messages?since=${encodeURIComponent(withOffset(sent[4].createdAt))}`);
    assert.deepEqual(fromOffset.items.map((m) => m.id), ['msg_shared_5', 'msg_shared_4']);

    // Paged two at a time, `after` an id both applications use: acme's own place.
    const paged = await allPages<Listed>(`/v1/applications/${acme.uid}/messages`, 2);
    assert.deepEqual(paged.items.map((m) => m.id), sent.map((m) => m.id).reverse());
    const otherList = await get<MessageLogPage>(`/v1/applications/${other.uid}/messages?limit=100`);
    assert.equal(otherList.items.length, 6);
    assert.ok(otherList.items.every((m) => m.eventType === 'order.created'), 'only its own messages');
  });

  test('messages: paging through every page while messages keep arriving repeats none and misses none', async () => {
    const busy = await application('lists-busy');
    const ok = await receiver();
    await endpoint(busy.uid, { url: ok.url });
    const existing: string[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const messages = await Promise.all(Array.from({ length: 10 }, () => send(busy.uid, 'tick')));
      existing.push(...messages.map((m) => m.id));
    }
    const arrived: string[] = [];
    // Before every next page, five more messages arrive, concurrently.
    const { items, pages } = await allPages<Listed>(`/v1/applications/${busy.uid}/messages`, 7, async () => {
      arrived.push(...(await Promise.all(Array.from({ length: 5 }, () => send(busy.uid, 'tick')))).map((m) => m.id));
    });
    assert.ok(pages >= 9, `${pages} pages`);
    const ids = items.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, 'no message on two pages');
    assert.deepEqual([...ids].sort(), [...existing].sort(), 'every message that existed at the first page, and none that arrived later, since pages go back in time');
    assertNewestFirst(items);
    assert.ok(arrived.length > 0);
    const first = await get<MessageLogPage>(`/v1/applications/${busy.uid}/messages?limit=5`);
    assert.deepEqual(first.items.map((m) => m.id).sort(), arrived.slice(-5).sort(), 'the newest come first on a fresh first page');
  });

  test("an endpoint's deliveries: newest first with the last of several attempts; status, since and until filter; scoped to the application", async () => {
    const shop = await application('lists-shop');
    const elsewhere = await application('lists-elsewhere');
    // Fails its first two requests, then delivers.
    const flaky = await receiver((n) => (n < 2 ? { status: 503, body: 'warming up' } : { status: 200, body: 'ok' }));
    const broken = await receiver(() => ({ status: 500, body: 'boom' }));
    const flakyEndpoint = await endpoint(shop.uid, { url: flaky.url, eventTypes: ['order.flaky'], retryPolicy: fastRetries(5) });
    const brokenEndpoint = await endpoint(shop.uid, { url: broken.url, eventTypes: ['order.broken', 'order.flaky'], retryPolicy: fastRetries(2) });
    const foreign = await endpoint(elsewhere.uid, { url: flaky.url });

    const retried = await send(shop.uid, 'order.flaky');
    const flakyLog = await eventually(
      () => get<DeliveryLogPage>(`/v1/applications/${shop.uid}/endpoints/${flakyEndpoint.id}/deliveries`),
      (page) => page.items[0]?.status === 'succeeded',
    );
    assert.equal(flakyLog.items.length, 1);
    const [delivery] = flakyLog.items;
    assert.equal(delivery.messageId, retried.id);
    assert.equal(delivery.eventType, 'order.flaky');
    assert.equal(delivery.attempts, 3);
    assert.ok(delivery.lastAttempt);
    assert.equal(delivery.lastAttempt.attempt, 3);
    assert.equal(delivery.lastAttempt.statusCode, 200, 'the last attempt, not the first (503)');
    assert.equal(delivery.lastAttempt.error, undefined);
    assert.ok(delivery.lastAttempt.durationMs >= 0);
    const full = await get<{ attempts: { startedAt: string; statusCode?: number }[] }>(`/v1/deliveries/${delivery.id}`);
    assert.deepEqual(full.attempts.map((a) => a.statusCode), [503, 503, 200]);
    assert.equal(delivery.lastAttempt.startedAt, full.attempts[2].startedAt);

    const broke: MessageView[] = [];
    for (let i = 0; i < 3; i++) broke.push(await send(shop.uid, 'order.broken'));
    const deadLog = await eventually(
      () => get<DeliveryLogPage>(`/v1/applications/${shop.uid}/endpoints/${brokenEndpoint.id}/deliveries?status=dead_lettered`),
      (page) => page.items.length === 4,
    );
    assert.deepEqual(deadLog.items.map((d) => d.messageId), [...broke.map((m) => m.id).reverse(), retried.id]);
    assertNewestFirst(deadLog.items);
    for (const item of deadLog.items) {
      assert.equal(item.attempts, 2);
      assert.equal(item.lastAttempt?.attempt, 2);
      assert.equal(item.lastAttempt?.statusCode, 500);
      assert.match(item.lastAttempt?.error ?? '', /^http_500: receiver answered 500/);
    }
    assert.deepEqual((await get<DeliveryLogPage>(`/v1/applications/${shop.uid}/endpoints/${brokenEndpoint.id}/deliveries?status=succeeded`)).items, []);
    assert.deepEqual((await get<DeliveryLogPage>(`/v1/applications/${shop.uid}/endpoints/${flakyEndpoint.id}/deliveries?status=pending`)).items, []);
    const between = await get<DeliveryLogPage>(
      `/v1/applications/${shop.uid}/endpoints/${brokenEndpoint.id}/deliveries?since=${encodeURIComponent(broke[0].createdAt)}&until=${encodeURIComponent(broke[2].createdAt)}`,
    );
    assert.deepEqual(between.items.map((d) => d.messageId), [broke[1].id, broke[0].id]);
    const paged = await allPages<Listed>(`/v1/applications/${shop.uid}/endpoints/${brokenEndpoint.id}/deliveries`, 1);
    assert.deepEqual(paged.items.map((d) => d.id), deadLog.items.map((d) => d.id));

    // Another application's endpoint is not found here, even with a known id.
    const wrong = await hookway.api<{ error: { code: string } }>('GET', `/v1/applications/${shop.uid}/endpoints/${foreign.id}/deliveries`);
    assert.equal(wrong.status, 404);
    assert.equal(wrong.body.error.code, 'endpoint_not_found');
    // A delivery of another endpoint is no place in this one's list.
    const misplaced = await hookway.api<{ error: { field: string } }>('GET', `/v1/applications/${shop.uid}/endpoints/${brokenEndpoint.id}/deliveries?after=${delivery.id}`);
    assert.equal(misplaced.status, 400);
    assert.equal(misplaced.body.error.field, 'after');
  });

  test('dead letters: newest first with their total; stats: one application\'s figures, the global ones of all', async () => {
    const dlq = await application('lists-dlq');
    const calm = await application('lists-calm');
    const broken = await receiver(() => ({ status: 500, body: 'boom' }));
    const ok = await receiver();
    const failing = await endpoint(dlq.uid, { url: broken.url, retryPolicy: fastRetries(1) });
    await endpoint(calm.uid, { url: ok.url });

    for (let i = 0; i < 4; i++) await send(dlq.uid, 'dl.case');
    for (let i = 0; i < 2; i++) await send(calm.uid, 'calm.case');
    const letters = await eventually(() => get<DeadLetterPage>(`/v1/applications/${dlq.uid}/dead-letters`), (page) => page.total === 4);
    assert.equal(letters.items.length, 4);
    assertNewestFirst(
      letters.items.map((d) => ({ id: d.id, createdAt: d.deadLetteredAt })),
    );
    const paged = await allPages<{ id: string }>(`/v1/applications/${dlq.uid}/dead-letters?endpointId=${failing.id}`, 3);
    assert.deepEqual(paged.items.map((d) => d.id), letters.items.map((d) => d.id));
    assert.deepEqual((await get<DeadLetterPage>(`/v1/applications/${calm.uid}/dead-letters`)).items, []);
    const foreignAfter = await hookway.api<{ error: { field: string } }>('GET', `/v1/applications/${calm.uid}/dead-letters?after=${letters.items[0].id}`);
    assert.equal(foreignAfter.status, 400, 'a dead letter of another application is no place in this list');
    assert.equal(foreignAfter.body.error.field, 'after');

    await ok.waitForRequests(2, 30_000);
    const calmStats = await eventually(() => get<StatsView>(`/v1/applications/${calm.uid}/stats?window=1h`), (s) => s.overall.deliveries === 2);
    assert.equal(calmStats.window, '1h');
    assert.equal(calmStats.overall.firstAttemptSuccessRate, 1);
    assert.equal(calmStats.overall.failureRate, 0);
    assert.equal(calmStats.overall.deadLetters, 0, 'another application\'s dead letters are not counted');
    assert.equal(calmStats.endpoints.length, 1);
    const dlqStats = await eventually(() => get<StatsView>(`/v1/applications/${dlq.uid}/stats`), (s) => s.overall.deliveries === 4);
    assert.equal(dlqStats.overall.deliveries, 4);
    assert.equal(dlqStats.overall.failureRate, 1);
    assert.equal(dlqStats.overall.deadLetters, 4);
    assert.deepEqual(dlqStats.endpoints.map((e) => e.endpointId), [failing.id]);
    const global = await get<StatsView>('/v1/stats');
    assert.ok(global.overall.deliveries >= 6, 'the global figures count every application');
    assert.ok(global.overall.deadLetters >= 4);
  });

  test('bad query values answer 400 naming the field; an unknown application 404', async () => {
    const app = await application('lists-bad');
    const ep = await endpoint(app.uid, { url: 'http://127.0.0.1:9/' });
    const base = `/v1/applications/${app.uid}`;
    const cases: [string, string][] = [
      [`${base}/messages?limit=0`, 'limit'],
      [`${base}/messages?limit=101`, 'limit'],
      [`${base}/messages?limit=abc`, 'limit'],
      [`${base}/messages?after=msg_nowhere`, 'after'],
      [`${base}/messages?since=yesterday`, 'since'],
      [`${base}/messages?since=2026-01-15`, 'since'],
      [`${base}/messages?until=2026-02-30T00:00:00Z`, 'until'],
      [`${base}/messages?until=2026-01-15T09:30:00`, 'until'],
      [`${base}/messages?since=2026-01-16T00:00:00Z&until=2026-01-15T00:00:00Z`, 'until'],
      [`${base}/messages?eventType=${'e'.repeat(257)}`, 'eventType'],
      [`${base}/messages?eventType=%00`, 'eventType'],
      [`${base}/messages?eventType=`, 'eventType'],
      [`${base}/endpoints/${ep.id}/deliveries?status=failed`, 'status'],
      [`${base}/endpoints/${ep.id}/deliveries?since=nope`, 'since'],
      [`${base}/endpoints/${ep.id}/deliveries?limit=101`, 'limit'],
      [`${base}/endpoints/${ep.id}/deliveries?after=dlv_nowhere`, 'after'],
      [`${base}/dead-letters?after=dlq_nowhere`, 'after'],
      [`${base}/dead-letters?limit=101`, 'limit'],
      [`${base}/stats?window=0s`, 'window'],
      [`${base}/stats?window=40d`, 'window'],
      ['/v1/messages?after=msg_nowhere', 'after'],
      ['/v1/endpoints?limit=101', 'limit'],
    ];
    for (const [path, field] of cases) {
      const answer = await hookway.api<{ error: { code: string; field: string } }>('GET', path);
      assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'invalid_field', path);
      assert.equal(answer.body.error.field, field, path);
    }
    for (const path of ['/v1/applications/nobody/messages', `/v1/applications/nobody/endpoints/${ep.id}/deliveries`, '/v1/applications/nobody/stats']) {
      const answer = await hookway.api<{ error: { code: string } }>('GET', path);
      assert.equal(answer.status, 404, path);
      assert.equal(answer.body.error.code, 'application_not_found', path);
    }
    assert.equal((await hookway.api('GET', `${base}/endpoints/ep_nowhere/deliveries`)).status, 404);
    assert.equal((await hookway.api('GET', `${base}/messages?limit=100`)).status, 200);
  });
});
