import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { EndpointChartView } from '../src/api/portal/portal-charts.view';
import type { PortalLinkView, PortalSessionView } from '../src/api/portal/portal.view';
import type { ApplicationTokenView } from '../src/api/tokens/application-token.view';
import type { MessageView } from '../src/api/messages/message.view';
import { eventually } from './support/eventually';
import { Receivers, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario, startedForSuite } from './support/scenario';
import type { TestHookway } from './support/test-hookway';

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
/** The token a magic link carries in its fragment. */
const tokenOf = (link: string): string => new URLSearchParams(new URL(link).hash.slice(1)).get('token') ?? '';

describe('portal API', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers = new Receivers();

  startedForSuite(receivers, (started) => ({ hookway, scenario } = started));

  async function link(app: string, body: Record<string, unknown> = {}): Promise<PortalLinkView> {
    const created = await hookway.api<PortalLinkView>('POST', `/v1/applications/${app}/portal`, body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  test('a magic link opens the application portal with a token in its fragment that works for an hour, on that application only', async () => {
    const acme = await scenario.application({ name: 'Acme', uid: 'portal-acme' });
    await scenario.application({ name: 'Other', uid: 'portal-other' });
    const before = Date.now();
    const made = await link('portal-acme');
    const url = new URL(made.url);
    assert.equal(`${url.origin}${url.pathname}`, `${hookway.apiUrl}/portal/`, 'the API as it listens (port 0 resolved), when HOOKWAY_PUBLIC_URL is unset');
    assert.equal(url.search, '', 'nothing in the query');
    const token = tokenOf(made.url);
    assert.match(token, new RegExp(`^hwa_${made.tokenId}_`));
    const lifetime = Date.parse(made.expiresAt) - before;
    assert.ok(Math.abs(lifetime - 3_600_000) < 5_000, `an hour by default (${lifetime} ms)`);

    const listed = await hookway.api<{ items: ApplicationTokenView[] }>('GET', '/v1/applications/portal-acme/tokens');
    assert.deepEqual(
      listed.body.items.map((t) => [t.id, t.name, t.expiresAt]),
      [[made.tokenId, 'portal', made.expiresAt]],
    );
    const session = await hookway.api<PortalSessionView>('GET', '/v1/portal/session', undefined, bearer(token));
    assert.deepEqual([session.status, session.body], [200, { kind: 'application', applicationId: acme.id, temporalUiUrl: null, expiresAt: made.expiresAt }]);
    assert.equal((await hookway.api('GET', '/v1/applications/portal-acme/endpoints', undefined, bearer(token))).status, 200);
    assert.equal((await hookway.api('GET', '/v1/applications/portal-other/endpoints', undefined, bearer(token))).status, 404);
    const again = await hookway.api('POST', '/v1/applications/portal-acme/portal', {}, bearer(token));
    assert.deepEqual([again.status, again.body.error?.code], [403, 'forbidden'], 'a portal token cannot make links');

    const week = await link('portal-acme', { expiresInSeconds: 604_800 });
    assert.ok(Math.abs(Date.parse(week.expiresAt) - Date.now() - 604_800_000) < 5_000);
    for (const expiresInSeconds of [59, 604_801, 1.5, '3600']) {
      const refused = await hookway.api('POST', '/v1/applications/portal-acme/portal', { expiresInSeconds });
      assert.deepEqual([refused.status, refused.body.error?.field], [400, 'expiresInSeconds'], String(expiresInSeconds));
    }
    const revoked = await hookway.api('DELETE', `/v1/applications/portal-acme/tokens/${made.tokenId}`);
    assert.equal(revoked.status, 204);
    assert.equal((await hookway.api('GET', '/v1/portal/session', undefined, bearer(token))).body.error?.code, 'unauthorized', 'a revoked link is no expired one');
  });

  test("the operator's session is the console: no application, and the Temporal Web UI to link to", async () => {
    const session = await hookway.api<PortalSessionView>('GET', '/v1/portal/session');
    assert.deepEqual([session.status, session.body], [200, { kind: 'operator', applicationId: null, temporalUiUrl: hookway.config.temporal.uiUrl, expiresAt: null }]);
    assert.match(session.body.temporalUiUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await hookway.api('GET', '/v1/portal/session', undefined, { authorization: 'Bearer nope' })).status, 401);
  });

  test('an expired token answers 401 token_expired saying when; the same id with a wrong secret stays unauthorized', async () => {
    await scenario.application({ name: 'Brief', uid: 'portal-brief' });
    const created = await hookway.api<{ id: string; token: string; expiresAt: string }>('POST', '/v1/applications/portal-brief/tokens', { expiresInSeconds: 1 });
    assert.equal(created.status, 201);
    const { token, id, expiresAt } = created.body;
    assert.equal((await hookway.api('GET', '/v1/applications/portal-brief', undefined, bearer(token))).status, 200, 'works while fresh');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(expiresAt) - Date.now()) + 500));

    for (const path of ['/v1/applications/portal-brief', '/v1/portal/session', '/v1/applications/portal-brief/endpoints']) {
      const expired = await hookway.api('GET', path, undefined, bearer(token));
      assert.deepEqual([expired.status, expired.body.error?.code], [401, 'token_expired'], path);
      assert.ok(expired.body.error?.message.includes(expiresAt), expired.body.error?.message);
      assert.equal(expired.headers.get('www-authenticate'), 'Bearer realm="hookway"');
    }
    const forged = `hwa_${id}_${'A'.repeat(43)}`;
    const guessed = await hookway.api('GET', '/v1/applications/portal-brief', undefined, bearer(forged));
    assert.deepEqual([guessed.status, guessed.body.error?.code, guessed.body.error?.message], [401, 'unauthorized', 'the bearer token is not valid']);
    const unknown = await hookway.api('GET', '/v1/portal/session', undefined, bearer(`hwa_tok_${'0'.repeat(28)}_${'A'.repeat(43)}`));
    assert.deepEqual([unknown.status, unknown.body.error?.code], [401, 'unauthorized']);
  });

  describe('test events', () => {
    let target: TestReceiver;
    let neighbour: TestReceiver;

    before(async () => {
      target = await receivers.start();
      neighbour = await receivers.start();
      await scenario.application({ name: 'Tester', uid: 'portal-test' });
    });

    test("reach only the chosen endpoint, signed with its secret, as its first subscribed type with a test payload", async () => {
      const chosen = await scenario.endpointOf('portal-test', { url: target.url, eventTypes: ['order.created', 'order.paid'] });
      await scenario.endpointOf('portal-test', { url: neighbour.url, eventTypes: ['order.created'] });
      const beforeSend = Date.now();
      const sent = await hookway.api<MessageView>('POST', `/v1/applications/portal-test/endpoints/${chosen.id}/test`, {});
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      assert.equal(sent.body.eventType, 'order.created');
      assert.deepEqual(sent.body.deliveries.map((d) => d.endpointId), [chosen.id], 'one delivery, to the chosen endpoint');

      const [request] = await target.waitForRequests(1);
      const body = new Webhook(chosen.secret ?? '').verify(request.rawBody, request.headers) as { type: string; data: { test: boolean; sentAt: string } };
      assert.equal(body.type, 'order.created');
      assert.equal(body.data.test, true);
      assert.ok(Date.parse(body.data.sentAt) >= beforeSend - 1000, body.data.sentAt);
      assert.equal(request.headers['webhook-id'], sent.body.id);
      await scenario.settled(sent.body, 'succeeded');

      // A message of the same type to both, sent after: the neighbour's first request must be that one.
      const real = await scenario.sendTo('portal-test', { eventType: 'order.created', payload: { real: true } });
      const [first] = await neighbour.waitForRequests(1);
      assert.equal(first.headers['webhook-id'], real.id, 'the neighbour never got the test event');
      const stored = await hookway.api<MessageView>('GET', `/v1/applications/portal-test/messages/${sent.body.id}`);
      assert.equal(stored.body.deliveries.length, 1);
    });

    test('take the given type and payload; an endpoint of every type gets hookway.test; no body at all is fine', async () => {
      const all = await scenario.endpointOf('portal-test', { url: target.url });
      const response = await fetch(`${hookway.apiUrl}/v1/applications/portal-test/endpoints/${all.id}/test`, {
        method: 'POST',
        headers: bearer(hookway.config.security.apiToken ?? ''),
      });
      const bare = (await response.json()) as MessageView;
      assert.equal(response.status, 202, JSON.stringify(bare));
      assert.equal(bare.eventType, 'hookway.test');
      assert.deepEqual(Object.keys(bare.payload).sort(), ['sentAt', 'test']);

      const custom = await hookway.api<MessageView>('POST', `/v1/applications/portal-test/endpoints/${all.id}/test`, { eventType: 'ping.custom', payload: { hello: 'world' } });
      assert.equal(custom.status, 202);
      assert.deepEqual([custom.body.eventType, custom.body.payload], ['ping.custom', { hello: 'world' }]);
      const delivered = await eventually(
        async () => target.requests.find((r) => r.headers['webhook-id'] === custom.body.id),
        (r) => r !== undefined,
        30_000,
      );
      assert.deepEqual((new Webhook(all.secret ?? '').verify(delivered?.rawBody ?? '', delivered?.headers ?? {}) as { data: unknown }).data, { hello: 'world' });
    });

    test('a disabled endpoint answers 409 endpoint_disabled; an unknown one 404; bad fields 400', async () => {
      const endpoint = await scenario.endpointOf('portal-test', { url: target.url });
      assert.equal((await hookway.api('PATCH', `/v1/applications/portal-test/endpoints/${endpoint.id}`, { disabled: true })).status, 200);
      const disabled = await hookway.api('POST', `/v1/applications/portal-test/endpoints/${endpoint.id}/test`, {});
      assert.deepEqual([disabled.status, disabled.body.error?.code], [409, 'endpoint_disabled']);
      const unknown = await hookway.api('POST', '/v1/applications/portal-test/endpoints/ep_missing/test', {});
      assert.deepEqual([unknown.status, unknown.body.error?.code], [404, 'endpoint_not_found']);
      for (const [body, field] of [[{ eventType: 'has space' }, 'eventType'], [{ payload: [1] }, 'payload'], [{ payload: 'x' }, 'payload']] as const) {
        const refused = await hookway.api('POST', `/v1/applications/portal-test/endpoints/${endpoint.id}/test`, body);
        assert.deepEqual([refused.status, refused.body.error?.field], [400, field], JSON.stringify(body));
      }
    });
  });

  test("an endpoint's chart counts its attempts by outcome in continuous buckets, with rates and latency", async () => {
    await scenario.application({ name: 'Charts', uid: 'portal-chart' });
    // Three 200s, then 500s: three deliveries succeed, the fourth fails twice and dead-letters.
    const flaky = await receivers.start((n) => ({ status: n < 3 ? 200 : 500 }));
    const gone = await receivers.start();
    await gone.close();
    const endpoint = await scenario.endpointOf('portal-chart', { url: flaky.url, retryPolicy: fastRetries(2) });
    const refused = await scenario.endpointOf('portal-chart', { url: gone.url, retryPolicy: fastRetries(1), eventTypes: ['never.sent'] });
    const other = await scenario.endpointOf('portal-chart', { url: (await receivers.start()).url, eventTypes: ['other.only'] });
    for (let i = 0; i < 3; i++) await scenario.settled(await scenario.sendTo('portal-chart', { eventType: 'chart.ok', payload: { i } }), 'succeeded');
    await scenario.settled(await scenario.sendTo('portal-chart', { eventType: 'chart.ok', payload: { i: 3 } }), 'dead_lettered');
    const refusedTest = await hookway.api<MessageView>('POST', `/v1/applications/portal-chart/endpoints/${refused.id}/test`, {});
    await scenario.settled(refusedTest.body, 'dead_lettered');

    const chart = await hookway.api<EndpointChartView>('GET', `/v1/applications/portal-chart/endpoints/${endpoint.id}/stats?window=1h&bucket=1m`);
    assert.equal(chart.status, 200, JSON.stringify(chart.body));
    assert.deepEqual([chart.body.window, chart.body.bucket, chart.body.buckets.length], ['1h', '1m', 60]);
    const starts = chart.body.buckets.map((b) => Date.parse(b.start));
    assert.ok(starts.every((s, i) => i === 0 || s - starts[i - 1] === 60_000), 'one bucket a minute, none missing');
    assert.equal(starts[0] % 60_000, 0, 'aligned to whole minutes');
    assert.ok(starts[59] <= Date.now() && Date.now() < starts[59] + 60_000 + 5_000, 'the last bucket holds now');
    const sum = (pick: (b: EndpointChartView['buckets'][number]) => number): number => chart.body.buckets.reduce((total, b) => total + pick(b), 0);
    assert.deepEqual([sum((b) => b.attempts), sum((b) => b.succeeded), sum((b) => b.failed)], [5, 3, 2]);
    assert.deepEqual([sum((b) => b.byOutcome['2xx']), sum((b) => b.byOutcome['5xx']), sum((b) => b.byOutcome['4xx'])], [3, 2, 0]);
    const busy = chart.body.buckets.filter((b) => b.attempts > 0);
    for (const b of busy) {
      assert.equal(b.successRate, b.succeeded / b.attempts);
      assert.ok(b.latencyMs.p50 !== null && b.latencyMs.p95 !== null && b.latencyMs.p50 <= b.latencyMs.p95, JSON.stringify(b));
    }
    const idle = chart.body.buckets.find((b) => b.attempts === 0);
    assert.deepEqual(idle && { ...idle, start: undefined }, {
      start: undefined,
      attempts: 0,
      succeeded: 0,
      failed: 0,
      byOutcome: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
      successRate: null,
      latencyMs: { p50: null, p95: null },
    });

    const noAnswer = await hookway.api<EndpointChartView>('GET', `/v1/applications/portal-chart/endpoints/${refused.id}/stats?window=10m&bucket=5m`);
    assert.equal(noAnswer.body.buckets.length, 2);
    assert.deepEqual(
      noAnswer.body.buckets.map((b) => b.byOutcome).reduce((all, b) => ({ ...all, ...Object.fromEntries(Object.entries(b).filter(([, n]) => n > 0)) }), {}),
      { connection_refused: 1 },
      'an attempt without an answer counts under its reason code',
    );
    const quiet = await hookway.api<EndpointChartView>('GET', `/v1/applications/portal-chart/endpoints/${other.id}/stats`);
    assert.deepEqual([quiet.body.window, quiet.body.bucket, quiet.body.buckets.length, quiet.body.buckets.every((b) => b.attempts === 0)], ['24h', '1h', 24, true]);

    for (const [query, field] of [['window=8d', 'window'], ['bucket=30s', 'bucket'], ['window=7d&bucket=1m', 'bucket'], ['window=soon', 'window']]) {
      const bad = await hookway.api('GET', `/v1/applications/portal-chart/endpoints/${endpoint.id}/stats?${query}`);
      assert.deepEqual([bad.status, bad.body.error?.code, bad.body.error?.field], [400, 'invalid_field', field], query);
    }
    assert.equal((await hookway.api('GET', '/v1/applications/portal-chart/endpoints/ep_missing/stats')).status, 404);
  });

  test('the event types an application used: of its messages and its endpoints, distinct and sorted, nothing of another application', async () => {
    await scenario.application({ name: 'Types', uid: 'portal-types' });
    await scenario.application({ name: 'Others', uid: 'portal-types-b' });
    await scenario.endpointOf('portal-types', { url: (await receivers.start()).url, eventTypes: ['user.deleted', 'invoice.paid'] });
    for (const eventType of ['invoice.paid', 'a.first', 'invoice.paid', 'zz.last']) await scenario.sendTo('portal-types', { eventType, payload: {} });
    await scenario.sendTo('portal-types-b', { eventType: 'secret.other', payload: {} });
    const used = await hookway.api<{ items: string[] }>('GET', '/v1/applications/portal-types/event-types/used');
    assert.deepEqual([used.status, used.body.items], [200, ['a.first', 'invoice.paid', 'user.deleted', 'zz.last']]);
    assert.deepEqual((await hookway.api<{ items: string[] }>('GET', '/v1/applications/portal-types-b/event-types/used')).body.items, ['secret.other']);
  });
});
