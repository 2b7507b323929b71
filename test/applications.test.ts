import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Client as PgClient } from 'pg';
import { Webhook } from 'standardwebhooks';
import type { ApplicationView } from '../src/api/applications/application.view';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import type { MessageView } from '../src/api/messages/message.view';
import { Database } from '../src/db/database';
import { migrate, MIGRATIONS_DIR } from '../src/db/migrate';
import { eventually } from './support/eventually';
import { Receivers, type ReceivedRequest, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario, startedForSuite } from './support/scenario';
import { createTestDatabase, dropTestDatabase, type TestHookway } from './support/test-hookway';

describe('applications', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const receivers = new Receivers();

  startedForSuite(receivers, (started) => ({ hookway, scenario } = started));

  const receiver = (): Promise<TestReceiver> => receivers.start();
  const application = (body: Record<string, unknown>): Promise<ApplicationView> => scenario.application(body);
  const endpoint = (app: string, body: Record<string, unknown>): Promise<EndpointView> => scenario.endpointOf(app, body);
  const send = (app: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<MessageView> => scenario.sendTo(app, body, headers);

  function verified(request: ReceivedRequest, secret: string | undefined): unknown {
    return new Webhook(secret ?? '').verify(request.rawBody, request.headers);
  }

  test('are created, read by id or uid, listed, changed and deleted; a deleted uid can be taken again', async () => {
    const acme = await application({ name: 'Acme Corp', uid: 'acme-crud', metadata: { plan: 'enterprise' }, rateLimitPerSecond: 50 });
    assert.match(acme.id, /^app_[0-9a-f]{28}$/);
    assert.deepEqual({ ...acme, id: undefined, createdAt: undefined, updatedAt: undefined }, {
      id: undefined,
      uid: 'acme-crud',
      name: 'Acme Corp',
      metadata: { plan: 'enterprise' },
      rateLimitPerSecond: 50,
      createdAt: undefined,
      updatedAt: undefined,
    });
    const plain = await application({ name: 'No uid' });
    assert.equal(plain.uid, plain.id, 'the uid defaults to the id');

    assert.deepEqual((await hookway.api('GET', `/v1/applications/${acme.id}`)).body, acme);
    assert.deepEqual((await hookway.api('GET', '/v1/applications/acme-crud')).body, acme);

    const listed: ApplicationView[] = [];
    for (let after = ''; ; ) {
      const page = await hookway.api<{ items: ApplicationView[] }>('GET', `/v1/applications?limit=1${after}`);
      listed.push(...page.body.items);
      if (page.body.items.length < 1) break;
      after = `&after=${page.body.items[0].id}`;
    }
    assert.equal(new Set(listed.map((a) => a.id)).size, listed.length, 'no page repeats another');
    for (const expected of ['default', 'acme-crud', plain.uid]) assert.ok(listed.some((a) => a.uid === expected), expected);

    const changed = await hookway.api<ApplicationView>('PATCH', '/v1/applications/acme-crud', { name: 'Acme', metadata: { region: 'eu' }, rateLimitPerSecond: null });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.name, changed.body.metadata, changed.body.rateLimitPerSecond], ['Acme', { region: 'eu' }, null]);

    const duplicate = await hookway.api('POST', '/v1/applications', { name: 'Other', uid: 'acme-crud' });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.error?.code, 'application_exists');
    const renamedOnto = await hookway.api('PATCH', `/v1/applications/${plain.id}`, { uid: 'acme-crud' });
    assert.equal(renamedOnto.body.error?.code, 'application_exists');

    assert.equal((await hookway.api('DELETE', '/v1/applications/acme-crud')).status, 204);
    const gone = await hookway.api('GET', `/v1/applications/${acme.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error?.code, 'application_not_found');
    const again = await application({ name: 'Acme again', uid: 'acme-crud' });
    assert.notEqual(again.id, acme.id);
  });

  test('bad fields answer 400 naming the field; unknown applications 404 on every route under them', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', uid: 'app_lookalike' }, 'uid'],
      [{ name: 'x', uid: 'has space' }, 'uid'],
      [{ name: 'x', uid: '..' }, 'uid'],
      [{ name: 'x', metadata: { n: 1 } }, 'metadata'],
      [{ name: 'x', metadata: ['a'] }, 'metadata'],
      [{ name: 'x', rateLimitPerSecond: 0 }, 'rateLimitPerSecond'],
      [{ name: 'x', unknown: true }, 'unknown'],
    ];
    for (const [body, field] of cases) {
      const answer = await hookway.api('POST', '/v1/applications', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error?.field, field, JSON.stringify([body, answer.body]));
    }
    for (const [method, route] of [
      ['GET', '/v1/applications/nobody/endpoints'],
      ['POST', '/v1/applications/nobody/messages'],
      ['GET', '/v1/applications/nobody/messages/evt_1'],
      ['GET', '/v1/applications/nobody/dead-letters'],
      ['PATCH', '/v1/applications/nobody'],
      ['DELETE', '/v1/applications/nobody'],
    ]) {
      const answer = await hookway.api(method, route, method === 'POST' ? { eventType: 'a.b', payload: {} } : method === 'PATCH' ? { name: 'n' } : undefined);
      assert.equal(answer.status, 404, `${method} ${route}`);
      assert.equal(answer.body.error?.code, 'application_not_found', `${method} ${route}`);
    }
  });

  test('the default application cannot be deleted or lose its uid', async () => {
    const deleted = await hookway.api('DELETE', '/v1/applications/default');
    assert.equal(deleted.status, 409);
    assert.equal(deleted.body.error?.code, 'default_application');
    const renamed = await hookway.api('PATCH', '/v1/applications/default', { uid: 'main' });
    assert.equal(renamed.body.error?.code, 'default_application');
    assert.equal((await hookway.api<ApplicationView>('PATCH', '/v1/applications/default', { name: 'Us' })).body.name, 'Us');
  });

  test("two applications subscribed to one event type never get each other's messages, even with the same ids and keys", async () => {
    const [a, b] = [await application({ name: 'A', uid: 'tenant-a' }), await application({ name: 'B', uid: 'tenant-b' })];
    const [receiverA, receiverB] = [await receiver(), await receiver()];
    const endpointA = await endpoint('tenant-a', { url: receiverA.url, eventTypes: ['invoice.paid'] });
    const endpointB = await endpoint(b.id, { url: receiverB.url, eventTypes: ['invoice.paid'] });

    const sentA = await send('tenant-a', { id: 'evt_same', eventType: 'invoice.paid', payload: { tenant: 'a' } }, { 'Idempotency-Key': 'key-same' });
    const sentB = await send('tenant-b', { id: 'evt_same', eventType: 'invoice.paid', payload: { tenant: 'b' } }, { 'Idempotency-Key': 'key-same' });
    assert.deepEqual([sentA.deliveries.length, sentB.deliveries.length], [1, 1]);
    assert.equal(sentA.deliveries[0].endpointId, endpointA.id);
    assert.equal(sentB.deliveries[0].endpointId, endpointB.id);

    const [gotA] = await receiverA.waitForRequests(1);
    const [gotB] = await receiverB.waitForRequests(1);
    assert.deepEqual((verified(gotA, endpointA.secret) as { data: unknown }).data, { tenant: 'a' });
    assert.deepEqual((verified(gotB, endpointB.secret) as { data: unknown }).data, { tenant: 'b' });
    assert.equal(gotA.headers['webhook-id'], 'evt_same');
    assert.equal(gotB.headers['webhook-id'], 'evt_same');

    // A repeat in one application returns that application's message, never the other's.
    const repeatB = await send('tenant-b', { eventType: 'invoice.paid', payload: { tenant: 'other' } }, { 'Idempotency-Key': 'key-same' });
    assert.deepEqual(repeatB.payload, { tenant: 'b' });
    assert.deepEqual((await hookway.api<MessageView>('GET', `/v1/applications/${a.id}/messages/evt_same`)).body.payload, { tenant: 'a' });
    assert.deepEqual((await hookway.api<MessageView>('GET', '/v1/applications/tenant-b/messages/evt_same')).body.payload, { tenant: 'b' });

    // One application's endpoint does not exist under another's path.
    for (const [method, route] of [
      ['GET', `/v1/applications/tenant-b/endpoints/${endpointA.id}`],
      ['GET', `/v1/applications/tenant-b/endpoints/${endpointA.id}/secret`],
      ['POST', `/v1/applications/tenant-b/endpoints/${endpointA.id}/secret/rotate`],
      ['PATCH', `/v1/applications/tenant-b/endpoints/${endpointA.id}`],
      ['DELETE', `/v1/applications/tenant-b/endpoints/${endpointA.id}`],
      ['POST', `/v1/applications/tenant-b/endpoints/${endpointA.id}/dead-letters/retry`],
      ['GET', `/v1/applications/tenant-b/endpoints/${endpointA.id}/blocked-keys`],
      ['GET', `/v1/endpoints/${endpointA.id}`],
    ]) {
      const answer = await hookway.api(method, route, method === 'PATCH' ? { description: 'taken over' } : undefined);
      assert.equal(answer.status, 404, `${method} ${route}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error?.code, 'endpoint_not_found', `${method} ${route}`);
    }
    const listedB = await hookway.api<{ items: EndpointView[] }>('GET', '/v1/applications/tenant-b/endpoints');
    assert.deepEqual(listedB.body.items.map((e) => e.id), [endpointB.id]);
    assert.equal((await hookway.api<EndpointView>('GET', `/v1/applications/tenant-a/endpoints/${endpointA.id}`)).body.description, '');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual([receiverA.requests.length, receiverB.requests.length], [1, 1], 'nothing crossed over');
  });

  test('under concurrent load from both, with colliding ids, each receiver gets exactly its own application\'s messages', async () => {
    const count = 60;
    await application({ name: 'Load A', uid: 'load-a' });
    await application({ name: 'Load B', uid: 'load-b' });
    const [receiverA, receiverB] = [await receiver(), await receiver()];
    const endpointA = await endpoint('load-a', { url: receiverA.url, eventTypes: ['load.tick'] });
    const endpointB = await endpoint('load-b', { url: receiverB.url, eventTypes: ['load.tick'] });
    await Promise.all(
      Array.from({ length: count }, (_, n) => [
        send('load-a', { id: `evt_${n}`, eventType: 'load.tick', payload: { tenant: 'a', n } }),
        send('load-b', { id: `evt_${n}`, eventType: 'load.tick', payload: { tenant: 'b', n } }),
      ]).flat(),
    );
    const gotA = await receiverA.waitForRequests(count, 60_000);
    const gotB = await receiverB.waitForRequests(count, 60_000);
    const tenants = (requests: ReceivedRequest[], secret: string | undefined): string[] => [
      ...new Set(requests.map((r) => (verified(r, secret) as { data: { tenant: string } }).data.tenant)),
    ];
    assert.deepEqual(tenants(gotA, endpointA.secret), ['a']);
    assert.deepEqual(tenants(gotB, endpointB.secret), ['b']);
    assert.equal(new Set(gotA.map((r) => r.headers['webhook-id'])).size, count);
    assert.equal(new Set(gotB.map((r) => r.headers['webhook-id'])).size, count);
  });

  test('the routes without an application are the default application', async () => {
    const [defaultReceiver, tenantReceiver] = [await receiver(), await receiver()];
    await application({ name: 'Tenant', uid: 'beside-default' });
    const viaShorthand = await hookway.api<EndpointView>('POST', '/v1/endpoints', { url: defaultReceiver.url, eventTypes: ['short.hand'] });
    assert.equal(viaShorthand.status, 201);
    await endpoint('beside-default', { url: tenantReceiver.url, eventTypes: ['short.hand'] });
    const listed = await hookway.api<{ items: EndpointView[] }>('GET', '/v1/applications/default/endpoints?limit=100');
    assert.ok(listed.body.items.some((e) => e.id === viaShorthand.body.id));
    assert.equal((await hookway.api('GET', `/v1/applications/app_default/endpoints/${viaShorthand.body.id}`)).status, 200);

    const message = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'short.hand', payload: { via: 'shorthand' } });
    assert.equal(message.status, 202);
    assert.deepEqual(message.body.deliveries.map((d) => d.endpointId), [viaShorthand.body.id]);
    await defaultReceiver.waitForRequests(1);
    assert.equal((await hookway.api('GET', `/v1/applications/default/messages/${message.body.id}`)).status, 200);
    assert.equal((await hookway.api('GET', `/v1/applications/beside-default/messages/${message.body.id}`)).status, 404);
    assert.equal(tenantReceiver.requests.length, 0);
  });

  test("each application lists only its own dead letters; deleting an application ends its endpoints' deliveries", async () => {
    const failingApp = await application({ name: 'Failing', uid: 'failing-app' });
    await application({ name: 'Quiet', uid: 'quiet-app' });
    const failing = await receivers.start(() => ({ status: 500 }));
    const dead = await endpoint('failing-app', { url: failing.url, eventTypes: ['dl.case'], retryPolicy: fastRetries(1) });
    const sent = await send('failing-app', { eventType: 'dl.case', payload: {} });
    await eventually(
      async () => (await hookway.api<{ items: { deliveryId: string; applicationId?: string }[] }>('GET', '/v1/applications/failing-app/dead-letters')).body.items,
      (items) => items.some((d) => d.deliveryId === sent.deliveries[0].id),
      30_000,
    );
    const quiet = await hookway.api<{ items: unknown[]; total: number }>('GET', '/v1/applications/quiet-app/dead-letters');
    assert.deepEqual([quiet.body.items.length, quiet.body.total], [0, 0]);
    const shorthand = await hookway.api<{ items: { endpointId: string }[] }>('GET', '/v1/dead-letters?limit=100');
    assert.ok(!shorthand.body.items.some((d) => d.endpointId === dead.id), 'the shorthand lists the default application only');

    const slow = await receivers.start(() => ({ status: 503 }));
    const pending = await endpoint('failing-app', { url: slow.url, eventTypes: ['dl.pending'], retryPolicy: { maxAttempts: 5, initialIntervalMs: 1_000, backoffCoefficient: 1, maxIntervalMs: 1_000 } });
    const waiting = await send('failing-app', { eventType: 'dl.pending', payload: {} });
    await slow.waitForRequests(1);
    assert.equal((await hookway.api('DELETE', '/v1/applications/failing-app')).status, 204);
    // Its next attempt finds the endpoint deleted: no request, and the delivery ends dead-lettered.
    const ended = await eventually(
      async () => (await hookway.api<{ status: string; applicationId: string; attempts: unknown[] }>('GET', `/v1/deliveries/${waiting.deliveries[0].id}`)).body,
      (d) => d.status === 'dead_lettered',
      30_000,
    );
    assert.equal(ended.attempts.length, 1);
    assert.equal(slow.requests.length, 1);
    assert.equal(ended.applicationId, failingApp.id, 'the global delivery route still shows it, with its application');
    assert.equal((await hookway.api('GET', `/v1/applications/failing-app/endpoints/${pending.id}`)).status, 404);
    assert.equal((await hookway.api('POST', '/v1/applications/failing-app/messages', { eventType: 'dl.pending', payload: {} })).status, 404);
    assert.equal((await hookway.api('GET', `/v1/applications/${failingApp.id}/messages/${waiting.id}`)).status, 404, 'its messages are read through the global delivery route only');
    const created = await hookway.api('POST', `/v1/applications/${failingApp.id}/endpoints`, { url: slow.url });
    assert.equal(created.body.error?.code, 'application_not_found');
  });

  test('the OpenAPI document has every application route, and each shorthand route without the app parameter', async () => {
    const document = (await hookway.api<{ paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> }>('GET', '/docs-json')).body;
    for (const route of ['/v1/applications', '/v1/applications/{app}', '/v1/applications/{app}/endpoints', '/v1/applications/{app}/messages', '/v1/applications/{app}/dead-letters']) {
      assert.ok(document.paths[route], route);
    }
    assert.ok(document.paths['/v1/applications/{app}/endpoints'].post.parameters?.some((p) => p.name === 'app' && p.in === 'path'));
    const notFoundCodes = (route: string): string[] =>
      Object.keys((document.paths[route].get as unknown as { responses: Record<string, { content: Record<string, { examples?: object }> }> }).responses['404']?.content['application/json'].examples ?? {}).sort();
    assert.deepEqual(notFoundCodes('/v1/applications/{app}/endpoints/{id}'), ['application_not_found', 'endpoint_not_found']);
    assert.deepEqual(notFoundCodes('/v1/applications/{app}/endpoints'), ['application_not_found']);
    assert.deepEqual(notFoundCodes('/v1/endpoints/{id}'), ['endpoint_not_found'], 'the shorthand cannot answer application_not_found');
    for (const [route, method] of [
      ['/v1/endpoints', 'post'],
      ['/v1/endpoints/{id}', 'patch'],
      ['/v1/messages', 'post'],
      ['/v1/dead-letters', 'get'],
      ['/v1/endpoints/{id}/dead-letters/retry', 'post'],
    ]) {
      const operation = document.paths[route]?.[method];
      assert.ok(operation, `${method} ${route}`);
      assert.ok(!operation.parameters?.some((p) => p.name === 'app'), `${method} ${route} takes no app`);
    }
  });
});

describe('applications: migration 015 moves what existed into the default application', () => {
  test('endpoints, messages, deliveries and dead letters of an older database belong to app_default afterwards', async () => {
    const url = await createTestDatabase();
    const earlier = await fs.mkdtemp(path.join(os.tmpdir(), 'hookway-migrations-'));
    const db = new Database(url, { maxConnections: 1 });
    const client = new PgClient({ connectionString: url });
    try {
      for (const file of (await fs.readdir(MIGRATIONS_DIR)).filter((f) => f < '015')) await fs.copyFile(path.join(MIGRATIONS_DIR, file), path.join(earlier, file));
      await migrate(db, earlier);
      await client.connect();
      await client.query(
        `INSERT INTO endpoints (id, url, secret, retry_policy, timeout_ms) VALUES ('ep_old', 'https://example.com', 'x', '{}', 1000);
         INSERT INTO messages (id, event_type, payload, idempotency_key) VALUES ('evt_old', 'old.event', '{}', 'key-old');
         INSERT INTO deliveries (id, message_id, endpoint_id, workflow_id, status) VALUES ('dlv_old', 'evt_old', 'ep_old', 'delivery-ep_old-evt_old', 'dead_lettered');
         INSERT INTO dead_letters (id, delivery_id, message_id, endpoint_id, workflow_id, error, attempts) VALUES ('dlq_old', 'dlv_old', 'evt_old', 'ep_old', 'delivery-ep_old-evt_old', 'failed', 1);`,
      );
      // Later migrations follow it.
      const applied = await migrate(db);
      assert.equal(applied[0], '015_applications.sql', JSON.stringify(applied));
      for (const table of ['endpoints', 'messages', 'deliveries', 'dead_letters']) {
        const { rows } = await client.query<{ application_id: string }>(`SELECT application_id FROM ${table}`);
        assert.deepEqual(rows, [{ application_id: 'app_default' }], table);
      }
      // The old idempotency key and id are now the default application's: the same ones are free elsewhere.
      await client.query(`INSERT INTO applications (id, uid, name) VALUES ('app_other', 'other', 'Other')`);
      await client.query(`INSERT INTO messages (application_id, id, event_type, payload, idempotency_key) VALUES ('app_other', 'evt_old', 'old.event', '{}', 'key-old')`);
      await assert.rejects(
        client.query(`INSERT INTO messages (application_id, id, event_type, payload) VALUES ('app_default', 'evt_old', 'old.event', '{}')`),
        /duplicate key/,
      );
    } finally {
      await client.end().catch(() => undefined);
      await db.close();
      await fs.rm(earlier, { recursive: true, force: true });
      await dropTestDatabase(url);
    }
  });
});
