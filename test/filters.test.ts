import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { FilterTestView } from '../src/api/filters/filter-test.view';
import type { MessageView } from '../src/api/messages/message.view';
import { eventually } from './support/eventually';
import { expressionArbitrary, payloadArbitrary, referenceMatches, toCel } from './support/filter-expressions';
import { parsePrometheusText, sampleValue } from './support/prometheus-text';
import { Receivers, type TestReceiver } from './support/receiver';
import { Scenario, startedForSuite } from './support/scenario';
import type { ApiResponse, TestHookway } from './support/test-hookway';

describe('wildcard subscriptions and endpoint filters', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers = new Receivers();

  startedForSuite(receivers, (started) => ({ hookway, scenario } = started));

  const refusal = (answer: ApiResponse<unknown>): [number, string | undefined, string | undefined] => {
    const error = (answer.body as { error?: { code?: string; field?: string } } | undefined)?.error;
    return [answer.status, error?.code, error?.field];
  };

  /** The webhook ids a receiver got, each verified with the endpoint's secret, sorted. */
  function verifiedIds(receiver: TestReceiver, endpoint: EndpointView): string[] {
    const webhook = new Webhook(endpoint.secret ?? '');
    return receiver.requests.map((r) => (webhook.verify(r.rawBody, r.headers), r.headers['webhook-id'])).sort();
  }

  /** Waits until every delivery of `messages` succeeded: then each receiver has had all it will get. */
  async function allDelivered(app: string, messages: MessageView[]): Promise<void> {
    for (const message of messages) {
      await eventually(
        async () => (await hookway.api<MessageView>('GET', `/v1/applications/${app}/messages/${message.id}`)).body.deliveries,
        (deliveries) => deliveries.every((d) => d.status === 'succeeded'),
        60_000,
      );
    }
  }

  test('prefix.* takes every type under the prefix, not the prefix itself nor look-alikes', async () => {
    await scenario.application({ name: 'Wild', uid: 'wild' });
    const [wild, exact, lookAlike] = await Promise.all([receivers.start(), receivers.start(), receivers.start()]);
    const wildEndpoint = await scenario.endpointOf('wild', { url: wild.url, eventTypes: ['invoice.*'] });
    const exactEndpoint = await scenario.endpointOf('wild', { url: exact.url, eventTypes: ['invoice', 'in_oice.*'] });
    const lookAlikeEndpoint = await scenario.endpointOf('wild', { url: lookAlike.url, eventTypes: ['invoices.paid'] });
    const sent: Record<string, MessageView> = {};
    for (const type of ['invoice.paid', 'invoice.line.added', 'invoice', 'invoices.paid', 'inXoice.paid']) {
      sent[type] = await scenario.sendTo('wild', { eventType: type, payload: { type }, id: `wild_${type}` });
    }
    await allDelivered('wild', Object.values(sent));
    assert.deepEqual(verifiedIds(wild, wildEndpoint), ['wild_invoice.line.added', 'wild_invoice.paid']);
    assert.deepEqual(verifiedIds(exact, exactEndpoint), ['wild_invoice'], 'an underscore in a prefix is no SQL wildcard');
    assert.deepEqual(verifiedIds(lookAlike, lookAlikeEndpoint), ['wild_invoices.paid']);
    for (const bad of [['*'], ['invoice.*.paid'], ['*.paid'], ['invoice*']]) {
      assert.deepEqual(refusal(await hookway.api('POST', '/v1/applications/wild/endpoints', { url: wild.url, eventTypes: bad })), [400, 'invalid_field', 'eventTypes'], bad[0]);
    }
  });

  test('each of several endpoints gets exactly the messages its filter is true for; the others are counted as filtered out', async () => {
    await scenario.application({ name: 'Billing', uid: 'billing' });
    const filters = [
      'type == "invoice.paid" && data.amount > 1000 && data.currency in ["EUR", "USD"]',
      'data.customer.tier == "gold"',
      'timestamp > timestamp("2020-01-01T00:00:00Z") && size(data.lines) >= 2',
    ];
    const targets = await Promise.all(filters.map(async (filter) => {
      const receiver = await receivers.start();
      return { receiver, endpoint: await scenario.endpointOf('billing', { url: receiver.url, filter }) };
    }));
    const unfiltered = await receivers.start();
    const everything = await scenario.endpointOf('billing', { url: unfiltered.url });
    assert.equal(targets[0].endpoint.filter, filters[0]);

    const messages = [
      { id: 'b1', eventType: 'invoice.paid', payload: { amount: 1200, currency: 'EUR', customer: { tier: 'gold' }, lines: [1] } },
      { id: 'b2', eventType: 'invoice.paid', payload: { amount: 900, currency: 'EUR', customer: { tier: 'silver' }, lines: [1, 2] } },
      { id: 'b3', eventType: 'invoice.created', payload: { amount: 5000, currency: 'USD', lines: [1, 2, 3] } },
      { id: 'b4', eventType: 'invoice.paid', payload: { amount: 1500, currency: 'GBP', customer: { tier: 'gold' } } },
      { id: 'b5', eventType: 'invoice.paid', payload: { amount: 1001, currency: 'USD', lines: [] } },
    ];
    const accepted: MessageView[] = [];
    for (const body of messages) accepted.push(await scenario.sendTo('billing', body));
    assert.deepEqual(accepted.map((m) => [m.id, m.deliveries.length, m.filteredOut]), [
      ['b1', 3, 1],
      ['b2', 2, 2],
      ['b3', 2, 2],
      ['b4', 2, 2],
      ['b5', 2, 2],
    ]);
    const shown = await hookway.api<MessageView>('GET', '/v1/applications/billing/messages/b2');
    assert.deepEqual([shown.body.filteredOut, shown.body.deliveries.length], [2, 2], 'the message view keeps the count');

    await allDelivered('billing', accepted);
    assert.deepEqual(verifiedIds(targets[0].receiver, targets[0].endpoint), ['b1', 'b5']);
    assert.deepEqual(verifiedIds(targets[1].receiver, targets[1].endpoint), ['b1', 'b4']);
    assert.deepEqual(verifiedIds(targets[2].receiver, targets[2].endpoint), ['b2', 'b3']);
    assert.deepEqual(verifiedIds(unfiltered, everything), ['b1', 'b2', 'b3', 'b4', 'b5']);

    // Removing a filter (null) lets everything through again.
    assert.equal((await hookway.api<EndpointView>('PATCH', `/v1/applications/billing/endpoints/${targets[1].endpoint.id}`, { filter: null })).body.filter, null);
    const after = await scenario.sendTo('billing', { eventType: 'x', payload: {} });
    assert.deepEqual(after.deliveries.map((d) => d.endpointId).sort(), [targets[1].endpoint.id, everything.id].sort());
  });

  test('a filter that fails on a message (a missing field) is false for it, counted in hookway_filter_errors_total, and the message is still accepted', async () => {
    const app = await scenario.application({ name: 'Errors', uid: 'filter-errors' });
    const scrape = async (): Promise<number> =>
      sampleValue(parsePrometheusText(await (await fetch(`${hookway.apiUrl}/metrics`)).text()), 'hookway_filter_errors_total', { application_id: app.id });
    const receiver = await receivers.start();
    const endpoint = await scenario.endpointOf('filter-errors', { url: receiver.url, filter: 'data.customer.tier == "gold"' });
    const before = await scrape();
    const missing = await scenario.sendTo('filter-errors', { eventType: 'e', payload: { amount: 1 } });
    const wrongType = await scenario.sendTo('filter-errors', { eventType: 'e', payload: { customer: 'gold' } });
    assert.deepEqual([missing.deliveries.length, missing.filteredOut, wrongType.deliveries.length, wrongType.filteredOut], [0, 1, 0, 1]);
    assert.equal((await scrape()) - before, 2);
    const gold = await scenario.sendTo('filter-errors', { eventType: 'e', payload: { customer: { tier: 'gold' } } });
    await allDelivered('filter-errors', [gold]);
    assert.deepEqual(verifiedIds(receiver, endpoint), [gold.id]);
  });

  test('a malformed filter is refused when set, naming filter and the column', async () => {
    await scenario.application({ name: 'Malformed', uid: 'malformed' });
    const url = (await receivers.start()).url;
    const cases: [string, RegExp][] = [
      ['data.amount >', /column 13/],
      ['data.amount > 1 && nope.x == 2', /column 20: undeclared reference to 'nope'/],
      ['size(data.lines) > 1 && frob(data)', /column 25: undeclared function 'frob'/],
      ['data.a.all(x, data.b.exists(y, x == y))', /inside another/],
      ['x'.repeat(2001), /2000/],
    ];
    for (const [filter, reason] of cases) {
      const answer = await hookway.api('POST', '/v1/applications/malformed/endpoints', { url, filter });
      assert.deepEqual(refusal(answer), [400, 'invalid_field', 'filter'], filter.slice(0, 50));
      assert.match(answer.body.error?.message ?? '', reason);
    }
    const endpoint = await scenario.endpointOf('malformed', { url });
    const patched = await hookway.api('PATCH', `/v1/applications/malformed/endpoints/${endpoint.id}`, { filter: 'data.amount >' });
    assert.deepEqual(refusal(patched), [400, 'invalid_field', 'filter']);
    assert.equal((await hookway.api<EndpointView>('GET', `/v1/applications/malformed/endpoints/${endpoint.id}`)).body.filter, null, 'nothing was changed');
  });

  test('the filter test route: a sample says whether it matches and why not; alone, it counts matches over the last 100 messages', async () => {
    await scenario.application({ name: 'Try', uid: 'try' });
    const receiver = await receivers.start();
    const endpoint = await scenario.endpointOf('try', { url: receiver.url, eventTypes: ['order.*'], filter: 'data.total >= 100' });
    const route = `/v1/applications/try/endpoints/${endpoint.id}/filter/test`;
    const tryIt = async (body: Record<string, unknown>, auth: Record<string, string> = {}): Promise<ApiResponse<FilterTestView>> => hookway.api<FilterTestView>('POST', route, body, auth);

    assert.deepEqual((await tryIt({ eventType: 'order.paid', payload: { total: 150 } })).body, { matches: true, eventTypeMatches: true, filterMatches: true });
    assert.deepEqual((await tryIt({ eventType: 'refund.paid', payload: { total: 150 } })).body, { matches: false, eventTypeMatches: false, filterMatches: true });
    assert.deepEqual((await tryIt({ filter: 'data.total < 100', eventType: 'order.paid', payload: { total: 150 } })).body, { matches: false, eventTypeMatches: true, filterMatches: false });
    const failing = (await tryIt({ filter: 'data.customer.tier == "gold"', eventType: 'order.paid', payload: { total: 1 } })).body;
    assert.deepEqual([failing.matches, failing.filterMatches], [false, false]);
    assert.match(failing.filterError ?? '', /customer/);
    assert.deepEqual(refusal(await tryIt({ filter: 'data.total >', eventType: 'order.paid', payload: {} })), [400, 'invalid_field', 'filter']);
    assert.deepEqual(refusal(await tryIt({ eventType: 'order.paid' })), [400, 'invalid_field', 'payload']);

    // 105 messages: the oldest 5 fall outside the last 100.
    for (let i = 0; i < 5; i++) await scenario.sendTo('try', { eventType: 'order.paid', payload: { total: 1000 } });
    for (let i = 0; i < 100; i++) {
      const eventType = i % 4 === 0 ? 'refund.paid' : 'order.paid';
      await scenario.sendTo('try', { eventType, payload: i % 10 === 1 ? { other: true } : { total: i } });
    }
    // Order messages are those with i % 4 != 0 (75); with total >= 50 and a total: i in 50..99, i % 4 != 0, i % 10 != 1.
    const expected = Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 4 !== 0 && i % 10 !== 1 && i >= 50).length;
    const errors = Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 4 !== 0 && i % 10 === 1).length;
    assert.deepEqual((await tryIt({ filter: 'data.total >= 50' })).body, { matched: expected, total: 100, errors });
    const own = (await tryIt({})).body;
    assert.equal(own.total, 100);
    assert.equal(own.matched, Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 4 !== 0 && i % 10 !== 1 && i >= 100).length, "the endpoint's own filter (total >= 100) matches none of them");

    // An application token uses it for its own endpoints; the shorthand serves the default application's.
    const token = (await hookway.api<{ token: string }>('POST', '/v1/applications/try/tokens', {})).body.token;
    assert.equal((await tryIt({ eventType: 'order.paid', payload: { total: 150 } }, { authorization: `Bearer ${token}` })).status, 200);
    const defaultReceiver = await receivers.start();
    const byDefault = await scenario.endpoint({ url: defaultReceiver.url, filter: 'data.ok' });
    const shorthand = await hookway.api<FilterTestView>('POST', `/v1/endpoints/${byDefault.id}/filter/test`, { eventType: 'x', payload: { ok: true } });
    assert.deepEqual([shorthand.status, shorthand.body.matches], [200, true]);
    assert.equal((await hookway.api('POST', `/v1/applications/try/endpoints/${byDefault.id}/filter/test`, {})).status, 404, "another application's endpoint");
  });

  test('random filters on random payloads: each receiver gets exactly the messages a plain JS reading of its filter says', async () => {
    await scenario.application({ name: 'Property', uid: 'property' });
    const expressions = fc.sample(expressionArbitrary, { numRuns: 5, seed: 16 });
    const payloads = fc.sample(payloadArbitrary, { numRuns: 40, seed: 61 }).map((p) => ({ ...p }));
    const types = ['order.created', 'order.paid'];
    const targets = await Promise.all(expressions.map(async (expr) => {
      const receiver = await receivers.start();
      return { expr, receiver, endpoint: await scenario.endpointOf('property', { url: receiver.url, filter: toCel(expr) }) };
    }));
    const accepted: MessageView[] = [];
    for (const [i, payload] of payloads.entries()) accepted.push(await scenario.sendTo('property', { eventType: types[i % 2], payload, id: `prop_${String(i).padStart(2, '0')}` }));
    await allDelivered('property', accepted);
    for (const { expr, receiver, endpoint } of targets) {
      const expected = payloads.flatMap((payload, i) => (referenceMatches(expr, types[i % 2], payload) ? [`prop_${String(i).padStart(2, '0')}`] : []));
      assert.deepEqual(verifiedIds(receiver, endpoint), expected, toCel(expr));
    }
    assert.ok(targets.some((t) => t.receiver.requests.length > 0) && targets.some((t) => t.receiver.requests.length < payloads.length), 'the sample filters both keep and drop messages');
  });
});
