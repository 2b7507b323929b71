import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { MessageBatchView } from '../src/api/messages/message-batch.view';
import type { MessageView } from '../src/api/messages/message.view';
import { settle } from './support/eventually';
import { Receivers, type TestReceiver } from './support/receiver';
import { Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const MAX_BATCH = 500;

describe('POST /v1/messages/batch', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers = new Receivers();

  before(async () => {
    hookway = await startTestHookway({ HOOKWAY_MAX_BATCH: String(MAX_BATCH) });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await hookway.stop();
    await hookway.dropDatabase();
    await receivers.closeAll();
  });

  async function subscribed(eventType: string): Promise<{ receiver: TestReceiver; secret: string }> {
    const receiver = await receivers.start();
    const endpoint = await scenario.endpoint({ url: receiver.url, eventTypes: [eventType] });
    return { receiver, secret: endpoint.secret ?? '' };
  }

  async function batch(messages: unknown, path = '/v1/messages/batch'): Promise<MessageBatchView> {
    const response = await hookway.api<MessageBatchView>('POST', path, { messages });
    assert.equal(response.status, 207, JSON.stringify(response.body).slice(0, 2_000));
    return response.body;
  }

  test(`${MAX_BATCH} messages in one call (a body well over HOOKWAY_MAX_PAYLOAD_BYTES) are all accepted and each delivered once, signed`, async (t) => {
    const { receiver, secret } = await subscribed('batch.bulk');
    // About 1 KiB each: some 500 KiB in all, twice the single-message body limit.
    const filler = 'x'.repeat(1_000);
    const messages = Array.from({ length: MAX_BATCH }, (_, i) => ({ id: `evt_bulk_${i}`, eventType: 'batch.bulk', payload: { n: i, filler } }));
    const started = Date.now();
    const { items } = await batch(messages);
    t.diagnostic(`${MAX_BATCH} accepted in ${Date.now() - started} ms`);
    assert.equal(items.length, MAX_BATCH);
    items.forEach((item, i) => {
      assert.equal(item.index, i);
      assert.equal(item.status, 202, JSON.stringify(item));
      assert.equal(item.message?.id, `evt_bulk_${i}`);
      assert.equal(item.message?.deliveries.length, 1);
    });

    const requests = await receiver.waitForRequests(MAX_BATCH, 240_000);
    await settle(1_000);
    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    assert.equal(new Set(ids).size, MAX_BATCH, 'every message arrived');
    assert.equal(ids.length, MAX_BATCH, 'and none twice');
    const webhook = new Webhook(secret);
    for (const request of requests) {
      const body = webhook.verify(request.rawBody, request.headers) as { data: { n: number } };
      assert.equal(request.headers['webhook-id'], `evt_bulk_${body.data.n}`);
    }
  });

  test('bad messages are answered by index and field; the valid ones around them are stored and delivered', async () => {
    const { receiver } = await subscribed('batch.mixed');
    const { items } = await batch(
      [
        { id: 'evt_mixed_0', eventType: 'batch.mixed', payload: { ok: 0 } },
        { eventType: 'not a type!', payload: {} },
        { eventType: 'batch.mixed', payload: [1, 2] },
        'not an object',
        { eventType: 'batch.mixed', payload: {}, colour: 'red' },
        { eventType: 'batch.mixed', payload: {}, idempotencyKey: 'has spaces' },
        { id: 'evt_mixed_6', eventType: 'batch.mixed', payload: { ok: 6 } },
      ],
      '/v1/applications/default/messages/batch',
    );
    assert.deepEqual(
      items.map((item) => [item.index, item.status, item.error?.code, item.error?.field]),
      [
        [0, 202, undefined, undefined],
        [1, 400, 'invalid_field', 'messages[1].eventType'],
        [2, 400, 'invalid_field', 'messages[2].payload'],
        [3, 400, 'invalid_field', 'messages[3]'],
        [4, 400, 'invalid_field', 'messages[4].colour'],
        [5, 400, 'invalid_field', 'messages[5].idempotencyKey'],
        [6, 202, undefined, undefined],
      ],
    );
    assert.match(items[1].error?.message ?? '', /messages\[1\]\.eventType/);
    for (const id of ['evt_mixed_0', 'evt_mixed_6']) assert.equal((await hookway.api('GET', `/v1/messages/${id}`)).status, 200);
    await receiver.waitForRequests(2, 60_000);
    await settle(1_000);
    assert.deepEqual(receiver.requests.map((r) => r.headers['webhook-id']).sort(), ['evt_mixed_0', 'evt_mixed_6']);
  });

  test('a batch sent again returns the first messages and delivers nothing twice; a repeat within one batch is a repeat of the earlier entry', async () => {
    const { receiver } = await subscribed('batch.again');
    const first = await batch([
      { id: 'evt_again_0', eventType: 'batch.again', payload: { v: 1 } },
      { eventType: 'batch.again', payload: { v: 1 }, idempotencyKey: 'again-1' },
      { id: 'evt_again_2', eventType: 'batch.again', payload: { v: 1 } },
      { id: 'evt_again_2', eventType: 'batch.again', payload: { v: 'repeat in the same batch' } },
    ]);
    assert.deepEqual(first.items.map((item) => item.status), [202, 202, 202, 202]);
    assert.equal(first.items[3].message?.id, 'evt_again_2');
    assert.deepEqual(first.items[3].message?.payload, { v: 1 }, 'the earlier entry stands');
    assert.deepEqual(
      first.items[3].message?.deliveries.map((d) => d.id),
      first.items[2].message?.deliveries.map((d) => d.id),
      'the repeat answers with the delivery its earlier entry created',
    );
    assert.equal(first.items[2].message?.deliveries.length, 1);

    const again = await batch([
      { id: 'evt_again_0', eventType: 'batch.again', payload: { v: 2 } },
      { eventType: 'batch.again', payload: { v: 2 }, idempotencyKey: 'again-1' },
      { id: 'evt_again_2', eventType: 'batch.again', payload: { v: 2 } },
    ]);
    assert.deepEqual(
      again.items.map((item) => [item.status, item.message?.id, item.message?.payload]),
      first.items.slice(0, 3).map((item) => [202, item.message?.id, { v: 1 }]),
    );
    // A single POST with an id from a batch is a repeat too.
    const single = await hookway.api<MessageView>('POST', '/v1/messages', { id: 'evt_again_0', eventType: 'batch.again', payload: { v: 3 } });
    assert.equal(single.status, 202);
    assert.deepEqual(single.body.payload, { v: 1 });

    await receiver.waitForRequests(3, 60_000);
    await settle(2_000);
    assert.equal(receiver.requests.length, 3, receiver.requests.map((r) => r.headers['webhook-id']).join(', '));
  });

  test("a repeat of an earlier entry is answered with it, even when the catalog would refuse the repeat's own payload", async () => {
    await subscribed('batch.schema');
    const created = await hookway.api('POST', '/v1/event-types', { name: 'batch.schema', schema: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sent = await batch([
      { id: 'evt_schema_1', eventType: 'batch.schema', payload: { n: 1 } },
      { id: 'evt_schema_1', eventType: 'batch.schema', payload: { n: 'not a number' } },
      { eventType: 'batch.schema', payload: { n: 2 }, idempotencyKey: 'schema-key' },
      { eventType: 'batch.schema', payload: {}, idempotencyKey: 'schema-key' },
      { id: 'evt_schema_new', eventType: 'batch.schema', payload: { n: 'not a number' } },
    ]);
    assert.deepEqual(
      sent.items.map((item) => [item.status, item.message?.id ?? item.error?.code]),
      [[202, 'evt_schema_1'], [202, 'evt_schema_1'], [202, sent.items[2].message?.id], [202, sent.items[2].message?.id], [400, 'invalid_payload']],
    );
    assert.deepEqual(sent.items[1].message?.payload, { n: 1 });
    assert.deepEqual(sent.items[3].message?.payload, { n: 2 });
  });

  test('a message and its deliveries carry one acceptance time, alone or in a batch (of two event types)', async () => {
    await subscribed('batch.when.a');
    await subscribed('batch.when.b');
    const single = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'batch.when.a', payload: {} });
    assert.equal(single.status, 202);
    const sent = await batch([
      { eventType: 'batch.when.a', payload: {} },
      { eventType: 'batch.when.b', payload: {} },
    ]);
    const messages = [single.body, ...sent.items.map((item) => item.message as MessageView)];
    for (const message of messages) {
      const stored = await hookway.api<MessageView>('GET', `/v1/messages/${message.id}`);
      assert.equal(stored.body.createdAt, message.createdAt);
      assert.equal(message.deliveries.length, 1);
      for (const delivery of message.deliveries) {
        const read = await hookway.api<{ createdAt: string }>('GET', `/v1/deliveries/${delivery.id}`);
        assert.equal(read.body.createdAt, message.createdAt, `delivery ${delivery.id} of ${message.id}`);
      }
    }
    assert.equal(messages[1].createdAt, messages[2].createdAt, 'one batch, one acceptance time');
    // The same at PostgreSQL's precision (microseconds), which the API's milliseconds would round away.
    const { rows } = await hookway.db.query<{ apart: number; times: number }>(
      `SELECT count(*) FILTER (WHERE d.created_at <> m.created_at)::int AS apart, count(DISTINCT m.created_at) FILTER (WHERE m.id <> $2)::int AS times
       FROM messages m JOIN deliveries d ON d.application_id = m.application_id AND d.message_id = m.id WHERE m.id = ANY ($1::text[])`,
      [messages.map((m) => m.id), messages[0].id],
    );
    assert.deepEqual(rows, [{ apart: 0, times: 1 }]);
  });

  test('ordered messages of a batch are numbered in request order, after those sent before, and arrive in that order', async () => {
    const { receiver } = await subscribed('batch.ordered');
    await scenario.send('batch.ordered', { n: 0 }, { orderingKey: 'k' });
    const { items } = await batch(
      Array.from({ length: 10 }, (_, i) => ({ eventType: 'batch.ordered', payload: { n: i + 1 }, orderingKey: i % 2 === 0 ? 'k' : 'other' })),
    );
    assert.deepEqual(
      items.map((item) => item.message?.deliveries[0].sequence),
      [2, 1, 3, 2, 4, 3, 5, 4, 6, 5],
    );
    await receiver.waitForRequests(11, 60_000);
    const received = receiver.requests.map((r) => (r.json as { data: { n: number } }).data.n);
    assert.deepEqual(received.filter((n) => n === 0 || n % 2 === 1), [0, 1, 3, 5, 7, 9], "key k's messages in order");
    assert.deepEqual(received.filter((n) => n !== 0 && n % 2 === 0), [2, 4, 6, 8, 10], "key other's messages in order");
  });

  test('a batch of more than HOOKWAY_MAX_BATCH messages, none, or not a list is refused with 400 naming messages, storing nothing', async () => {
    const tooMany = Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ id: `evt_over_${i}`, eventType: 'batch.over', payload: {} }));
    for (const messages of [tooMany, [], { eventType: 'batch.over', payload: {} }]) {
      const response = await hookway.api('POST', '/v1/messages/batch', { messages });
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.equal(response.body.error?.code, 'invalid_field');
      assert.equal(response.body.error?.field, 'messages');
    }
    const missing = await hookway.api('POST', '/v1/messages/batch', {});
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error?.field, 'messages');
    assert.equal((await hookway.api('GET', '/v1/messages/evt_over_0')).status, 404);
  });

  test('when the transaction fails, none of the batch is stored (503), and the same batch later goes through whole', async () => {
    const { receiver } = await subscribed('batch.fail');
    // PostgreSQL refuses one message of the batch mid-transaction.
    await hookway.db.query(
      `CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.id = 'evt_fail_poison' AND EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'test_poison_on') THEN RAISE EXCEPTION 'poisoned'; END IF;
         RETURN NEW;
       END $$`,
    );
    await hookway.db.query('CREATE TABLE test_poison_on ()');
    await hookway.db.query('CREATE TRIGGER test_refuse_poison BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION test_refuse_poison()');
    const messages = ['evt_fail_0', 'evt_fail_1', 'evt_fail_poison', 'evt_fail_3'].map((id) => ({ id, eventType: 'batch.fail', payload: { id } }));

    const refused = await hookway.api('POST', '/v1/messages/batch', { messages });
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.body.error?.code, 'postgres_unavailable');
    for (const { id } of messages) assert.equal((await hookway.api('GET', `/v1/messages/${id}`)).status, 404, `${id} was not stored`);
    await settle(2_000);
    assert.equal(receiver.requests.length, 0);

    await hookway.db.query('DROP TABLE test_poison_on');
    const { items } = await batch(messages);
    assert.deepEqual(items.map((item) => item.status), [202, 202, 202, 202]);
    await receiver.waitForRequests(4, 60_000);
  });
});
