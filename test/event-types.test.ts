import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { EventTypeView } from '../src/api/event-types/event-type.view';
import type { MessageView } from '../src/api/messages/message.view';
import { Receivers } from './support/receiver';
import { fastRetries, Scenario, startedForSuite } from './support/scenario';
import { startTestHookway, type ApiResponse, type TestHookway } from './support/test-hookway';

const INVOICE_SCHEMA = {
  type: 'object',
  required: ['invoiceId', 'amount'],
  properties: {
    invoiceId: { type: 'string', pattern: '^inv_' },
    amount: { type: 'integer', minimum: 0 },
    lines: { type: 'array', items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } } },
    paidAt: { type: 'string', format: 'date-time' },
  },
};

describe('event-type catalog', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers = new Receivers();

  startedForSuite(receivers, (started) => ({ hookway, scenario } = started));

  const createType = async (body: Record<string, unknown>): Promise<EventTypeView> => {
    const created = await hookway.api<EventTypeView>('POST', '/v1/event-types', body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  };
  const refusal = (answer: ApiResponse): [number, string | undefined, string | undefined] => [answer.status, answer.body.error?.code, answer.body.error?.field];

  test('types are created, read, listed by name (archived ones when asked), changed; duplicates are 409', async () => {
    const paid = await createType({ name: 'cat.invoice.paid', description: 'An invoice was paid.', schema: INVOICE_SCHEMA });
    assert.deepEqual([paid.name, paid.description, paid.schema, paid.archived], ['cat.invoice.paid', 'An invoice was paid.', INVOICE_SCHEMA, false]);
    await createType({ name: 'cat.invoice.created' });
    await createType({ name: 'cat.invoice.voided', archived: true });
    assert.deepEqual(refusal(await hookway.api('POST', '/v1/event-types', { name: 'cat.invoice.paid' })), [409, 'event_type_exists', undefined]);
    assert.deepEqual((await hookway.api('GET', '/v1/event-types/cat.invoice.paid')).body, paid);
    assert.deepEqual(refusal(await hookway.api('GET', '/v1/event-types/cat.nothing')), [404, 'event_type_not_found', undefined]);

    const names = async (query: string): Promise<string[]> => (await hookway.api<{ items: EventTypeView[] }>('GET', `/v1/event-types${query}`)).body.items.map((t) => t.name);
    assert.deepEqual(await names('?limit=100'), ['cat.invoice.created', 'cat.invoice.paid']);
    assert.deepEqual(await names('?includeArchived=true'), ['cat.invoice.created', 'cat.invoice.paid', 'cat.invoice.voided']);
    assert.deepEqual(await names('?includeArchived=true&limit=1&after=cat.invoice.created'), ['cat.invoice.paid']);
    assert.deepEqual(refusal(await hookway.api('GET', '/v1/event-types?includeArchived=maybe')), [400, 'invalid_field', 'includeArchived']);

    const changed = await hookway.api<EventTypeView>('PATCH', '/v1/event-types/cat.invoice.created', { description: 'Drafted.', schema: { type: 'object' } });
    assert.deepEqual([changed.status, changed.body.description, changed.body.schema], [200, 'Drafted.', { type: 'object' }]);
    const removed = await hookway.api<EventTypeView>('PATCH', '/v1/event-types/cat.invoice.created', { schema: null });
    assert.deepEqual([removed.status, removed.body.schema, removed.body.description], [200, null, 'Drafted.']);
    assert.deepEqual(refusal(await hookway.api('PATCH', '/v1/event-types/cat.nothing', { archived: true })), [404, 'event_type_not_found', undefined]);

    // The API reference shows the catalog as it is now: each live type listed, each schema readable.
    const reference = (await (await fetch(`${hookway.apiUrl}/docs-json`)).json()) as {
      tags: { name: string; description?: string }[];
      components: { schemas: Record<string, Record<string, unknown>> };
    };
    const listing = reference.tags.find((tag) => tag.name === 'event types')?.description ?? '';
    assert.match(listing, /`cat\.invoice\.paid`: An invoice was paid\. Payload: `event-type\.cat\.invoice\.paid`/);
    assert.match(listing, /`cat\.invoice\.created`: Drafted\. No schema/);
    assert.doesNotMatch(listing, /cat\.invoice\.voided/, 'archived types are not offered');
    assert.deepEqual(reference.components.schemas['event-type.cat.invoice.paid'].properties, INVOICE_SCHEMA.properties);
  });

  test('a schema that does not compile, reaches outside itself or is too large is refused naming schema, with the reason', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ type: 'object', properties: { amount: { typ: 'integer' } } }, /unknown keyword: "typ"/],
      [{ type: 'objekt' }, /type/],
      [{ $ref: 'https://example.com/invoice.json' }, /can't resolve reference|resolve/i],
      [{ $schema: 'http://json-schema.org/draft-07/schema#' }, /2020-12/],
      [{ type: 'string', pattern: '(?<=a)b' }, /schema/],
      [{ type: 'object', description: 'x'.repeat(70_000) }, /at most 65536 bytes/],
    ];
    for (const [schema, reason] of cases) {
      const answer = await hookway.api('POST', '/v1/event-types', { name: 'cat.bad', schema });
      assert.deepEqual(refusal(answer), [400, 'invalid_field', 'schema'], JSON.stringify(schema).slice(0, 100));
      assert.match(answer.body.error?.message ?? '', reason);
    }
    await createType({ name: 'cat.patched' });
    assert.deepEqual(refusal(await hookway.api('PATCH', '/v1/event-types/cat.patched', { schema: { type: 'objekt' } })), [400, 'invalid_field', 'schema']);
    assert.deepEqual(refusal(await hookway.api('POST', '/v1/event-types', { name: 'cat bad' })), [400, 'invalid_field', 'name']);
    assert.equal((await hookway.api('GET', '/v1/event-types/cat.bad')).status, 404, 'nothing was stored');
  });

  test('a payload that breaks its type\'s schema is refused with the failing pointer, and nothing is stored', async () => {
    await createType({ name: 'pay.checked', schema: INVOICE_SCHEMA });
    const receiver = await receivers.start();
    await scenario.endpoint({ url: receiver.url, eventTypes: ['pay.checked'] });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ invoiceId: 'inv_1', amount: -5 }, 'payload/amount', /must be >= 0/],
      [{ invoiceId: 'inv_1', amount: 'ten' }, 'payload/amount', /must be integer/],
      [{ invoiceId: 'inv_1' }, 'payload/amount', /must have required property 'amount'/],
      [{ invoiceId: 'bill_1', amount: 1 }, 'payload/invoiceId', /must match pattern/],
      [{ invoiceId: 'inv_1', amount: 1, lines: [{ sku: 'a' }, {}] }, 'payload/lines/1/sku', /required property 'sku'/],
      [{ invoiceId: 'inv_1', amount: 1, paidAt: 'yesterday' }, 'payload/paidAt', /must match format "date-time"/],
    ];
    for (const [payload, field, reason] of cases) {
      const id = `msg_schema_${field.replace(/\W/g, '_')}`;
      const answer = await hookway.api('POST', '/v1/messages', { eventType: 'pay.checked', payload, id });
      assert.deepEqual(refusal(answer), [400, 'invalid_payload', field], JSON.stringify(answer.body));
      assert.match(answer.body.error?.message ?? '', reason);
      assert.equal((await hookway.api('GET', `/v1/messages/${id}`)).status, 404, 'nothing was stored');
    }
    const good = await scenario.send('pay.checked', { invoiceId: 'inv_1', amount: 1200, lines: [{ sku: 'a' }], paidAt: '2026-01-15T09:30:00Z' });
    assert.equal(good.deliveries.length, 1);
    assert.equal((await receiver.waitForRequests(1))[0].path, new URL(receiver.url).pathname);
    assert.equal(receiver.requests.length, 1, 'only the valid message was delivered');

    // A schema changed later applies to the next message; removing it lets anything through.
    assert.equal((await hookway.api('PATCH', '/v1/event-types/pay.checked', { schema: { type: 'object', required: ['refund'] } })).status, 200);
    assert.deepEqual(refusal(await hookway.api('POST', '/v1/messages', { eventType: 'pay.checked', payload: { invoiceId: 'inv_1', amount: 1 } })), [400, 'invalid_payload', 'payload/refund']);
    assert.equal((await hookway.api('PATCH', '/v1/event-types/pay.checked', { schema: null })).status, 200);
    await scenario.send('pay.checked', { anything: true });
    // Types without a schema, and types not in the catalog, take any object.
    await scenario.send('pay.unlisted', { anything: true });
  });

  test('an archived type refuses new messages and subscriptions; a delivery already made still finishes', async () => {
    await createType({ name: 'arch.sent' });
    const slow = await receivers.start((n) => ({ status: n === 0 ? 503 : 200 }));
    const endpoint = await scenario.endpoint({ url: slow.url, eventTypes: ['arch.sent'], retryPolicy: fastRetries(5) });
    const message = await scenario.send('arch.sent', { n: 1 });
    await slow.waitForRequests(1);
    assert.equal((await hookway.api('PATCH', '/v1/event-types/arch.sent', { archived: true })).status, 200);

    assert.deepEqual(refusal(await hookway.api('POST', '/v1/messages', { eventType: 'arch.sent', payload: {} })), [400, 'event_type_archived', 'eventType']);
    const fresh = await hookway.api('POST', '/v1/messages', { eventType: 'arch.sent', payload: {} }, { 'idempotency-key': 'arch-new' });
    assert.deepEqual(refusal(fresh), [400, 'event_type_archived', 'eventType']);
    // A producer retrying the message accepted before the archive gets it back, never a refusal.
    const repeat = await hookway.api<{ id: string }>('POST', '/v1/messages', { id: message.id, eventType: 'arch.sent', payload: { n: 1 } });
    assert.deepEqual([repeat.status, repeat.body.id], [202, message.id]);
    const other = await receivers.start();
    assert.deepEqual(refusal(await hookway.api('POST', '/v1/endpoints', { url: other.url, eventTypes: ['a.b', 'arch.sent'] })), [400, 'event_type_archived', 'eventTypes']);
    assert.deepEqual(refusal(await hookway.api('PATCH', `/v1/endpoints/${endpoint.id}`, { eventTypes: ['arch.sent', 'arch.other'] })).slice(0, 1), [200], 'keeping an existing subscription is no new one');
    const second = await scenario.endpoint({ url: other.url, eventTypes: ['a.b'] });
    assert.deepEqual(refusal(await hookway.api('PATCH', `/v1/endpoints/${second.id}`, { eventTypes: ['arch.sent'] })), [400, 'event_type_archived', 'eventTypes']);
    assert.equal((await hookway.api('POST', '/v1/endpoints', { url: other.url, eventTypes: ['arch.*'] })).status, 201, 'a wildcard names no one type');

    const delivered = await scenario.settled(message, 'succeeded');
    assert.equal(delivered.status, 'succeeded');
    const requests = await slow.waitForRequests(2);
    assert.deepEqual(new Webhook(endpoint.secret ?? '').verify(requests[1].rawBody, requests[1].headers), { type: 'arch.sent', timestamp: message.createdAt, data: { n: 1 } });

    assert.equal((await hookway.api('PATCH', '/v1/event-types/arch.sent', { archived: false })).status, 200);
    await scenario.send('arch.sent', { n: 2 });
  });

  test('application tokens read the catalog but cannot change it', async () => {
    await scenario.application({ name: 'Reader', uid: 'cat-reader' });
    const token = (await hookway.api<{ token: string }>('POST', '/v1/applications/cat-reader/tokens', {})).body.token;
    const auth = { authorization: `Bearer ${token}` };
    await createType({ name: 'tok.read' });
    assert.equal((await hookway.api('GET', '/v1/event-types', undefined, auth)).status, 200);
    assert.equal((await hookway.api<EventTypeView>('GET', '/v1/event-types/tok.read', undefined, auth)).body.name, 'tok.read');
    assert.equal((await hookway.api('POST', '/v1/event-types', { name: 'tok.mine' }, auth)).status, 403);
    assert.equal((await hookway.api('PATCH', '/v1/event-types/tok.read', { archived: true }, auth)).status, 403);
  });
});

describe('HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES=true', () => {
  test('refuses types not in the catalog, accepts catalogued ones', async () => {
    const strict = await startTestHookway({ HOOKWAY_REQUIRE_KNOWN_EVENT_TYPES: 'true' }, { api: true, worker: false });
    try {
      const unknown = await strict.api('POST', '/v1/messages', { eventType: 'nobody.knows', payload: {}, id: 'msg_unknown_type' });
      assert.deepEqual([unknown.status, unknown.body.error?.code, unknown.body.error?.field], [400, 'unknown_event_type', 'eventType']);
      assert.equal((await strict.api('GET', '/v1/messages/msg_unknown_type')).status, 404);
      assert.equal((await strict.api('POST', '/v1/event-types', { name: 'nobody.knows' })).status, 201);
      const known = await strict.api<MessageView>('POST', '/v1/messages', { eventType: 'nobody.knows', payload: {} });
      assert.equal(known.status, 202, JSON.stringify(known.body));
    } finally {
      await strict.stop();
      await strict.dropDatabase();
    }
  });
});
