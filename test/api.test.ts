import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import { dropTestDatabase, startTestHookway, type TestHookway } from './support/test-hookway';

describe('API contract', () => {
  let hookway: TestHookway;

  before(async () => {
    hookway = await startTestHookway({ HOOKWAY_MAX_PAYLOAD_BYTES: '4096' });
  });
  after(async () => {
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('endpoints can be created, read, changed, listed and deleted', async () => {
    const created = await hookway.api<EndpointView>('POST', '/v1/endpoints', {
      url: 'https://example.invalid/hooks',
      eventTypes: ['a.b'],
      description: 'billing',
      retryPolicy: { maxAttempts: 3 },
      timeoutMs: 5000,
    });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^ep_[0-9a-f]{28}$/);
    assert.match(created.body.secret ?? '', /^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
    assert.deepEqual(created.body.retryPolicy, { maxAttempts: 3, initialIntervalMs: 60_000, backoffCoefficient: 2, maxIntervalMs: 3_600_000 });

    const fetched = await hookway.api<EndpointView>('GET', `/v1/endpoints/${created.body.id}`);
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.secret, undefined, 'reads never show the secret');
    const secret = await hookway.api<{ secret: string }>('GET', `/v1/endpoints/${created.body.id}/secret`);
    assert.equal(secret.body.secret, created.body.secret);

    const patched = await hookway.api<EndpointView>('PATCH', `/v1/endpoints/${created.body.id}`, { retryPolicy: { initialIntervalMs: 1000 }, disabled: true });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.retryPolicy.maxAttempts, 3, 'a partial retry policy keeps the other fields');
    assert.equal(patched.body.retryPolicy.initialIntervalMs, 1000);
    assert.equal(patched.body.disabled, true);

    const list = await hookway.api<{ items: EndpointView[] }>('GET', '/v1/endpoints');
    assert.ok(list.body.items.some((e) => e.id === created.body.id));

    assert.equal((await hookway.api('DELETE', `/v1/endpoints/${created.body.id}`)).status, 204);
    const gone = await hookway.api('GET', `/v1/endpoints/${created.body.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error?.code, 'endpoint_not_found');
  });

  const badInputs: { name: string; method: string; path: string; body: unknown; headers?: Record<string, string>; status: number; code: string; field?: string }[] = [
    { name: 'endpoint without url', method: 'POST', path: '/v1/endpoints', body: {}, status: 400, code: 'invalid_field', field: 'url' },
    { name: 'endpoint with an ftp url', method: 'POST', path: '/v1/endpoints', body: { url: 'ftp://example.com' }, status: 400, code: 'invalid_field', field: 'url' },
    { name: 'endpoint url that is not a url', method: 'POST', path: '/v1/endpoints', body: { url: 'not a url' }, status: 400, code: 'invalid_field', field: 'url' },
    { name: 'endpoint url with credentials', method: 'POST', path: '/v1/endpoints', body: { url: 'https://u:p@example.invalid' }, status: 400, code: 'invalid_field', field: 'url' },
    { name: 'zero attempts', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', retryPolicy: { maxAttempts: 0 } }, status: 400, code: 'invalid_field', field: 'retryPolicy.maxAttempts' },
    { name: 'max interval below initial', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', retryPolicy: { initialIntervalMs: 5000, maxIntervalMs: 10 } }, status: 400, code: 'invalid_field', field: 'retryPolicy.maxIntervalMs' },
    { name: 'a header that would forge the signature', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', headers: { 'Webhook-Signature': 'v1,x' } }, status: 400, code: 'invalid_field', field: 'headers.Webhook-Signature' },
    { name: 'a header value undici cannot send', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', headers: { 'x-ok': 'a', 'x-price': '10 €' } }, status: 400, code: 'invalid_field', field: 'headers.x-price' },
    { name: 'an expect header', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', headers: { expect: '100-continue' } }, status: 400, code: 'invalid_field', field: 'headers.expect' },
    { name: 'an upgrade header', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', headers: { Upgrade: 'websocket' } }, status: 400, code: 'invalid_field', field: 'headers.Upgrade' },
    { name: 'a keep-alive header', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', headers: { 'keep-alive': 'timeout=5' } }, status: 400, code: 'invalid_field', field: 'headers.keep-alive' },
    { name: 'a header value with a line break', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', headers: { 'x-a': 'b\r\nx-injected: 1' } }, status: 400, code: 'invalid_field', field: 'headers.x-a' },
    { name: 'a header name that is not a token', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', headers: { 'x price': 'a' } }, status: 400, code: 'invalid_field', field: 'headers.x price' },
    { name: 'a body nested 65 levels deep', method: 'POST', path: '/v1/messages', body: `{"eventType":"a","payload":{"v":${'['.repeat(63)}${']'.repeat(63)}}}`, status: 400, code: 'invalid_json' },
    { name: 'a weak secret', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', secret: 'whsec_c2hvcnQ=' }, status: 400, code: 'invalid_field', field: 'secret' },
    { name: 'an unknown field', method: 'POST', path: '/v1/endpoints', body: { url: 'https://example.invalid', colour: 'red' }, status: 400, code: 'invalid_field', field: 'colour' },
    { name: 'message without eventType', method: 'POST', path: '/v1/messages', body: { payload: {} }, status: 400, code: 'invalid_field', field: 'eventType' },
    { name: 'message without payload', method: 'POST', path: '/v1/messages', body: { eventType: 'a' }, status: 400, code: 'invalid_field', field: 'payload' },
    { name: 'array payload', method: 'POST', path: '/v1/messages', body: { eventType: 'a', payload: [1, 2] }, status: 400, code: 'invalid_field', field: 'payload' },
    { name: 'string payload', method: 'POST', path: '/v1/messages', body: { eventType: 'a', payload: 'hello' }, status: 400, code: 'invalid_field', field: 'payload' },
    { name: 'null payload', method: 'POST', path: '/v1/messages', body: { eventType: 'a', payload: null }, status: 400, code: 'invalid_field', field: 'payload' },
    { name: 'payload with U+0000', method: 'POST', path: '/v1/messages', body: '{"eventType":"a","payload":{"note":"nul\\u0000here"}}', status: 400, code: 'invalid_field', field: 'payload.note' },
    { name: 'payload with a lone surrogate', method: 'POST', path: '/v1/messages', body: '{"eventType":"a","payload":{"x":"\\ud800"}}', status: 400, code: 'invalid_field', field: 'payload.x' },
    { name: 'endpoint description with U+0000', method: 'POST', path: '/v1/endpoints', body: '{"url":"https://example.com/h","description":"a\\u0000b"}', status: 400, code: 'invalid_field', field: 'description' },
    { name: 'application name with U+0000', method: 'POST', path: '/v1/applications', body: '{"name":"a\\u0000b"}', status: 400, code: 'invalid_field', field: 'name' },
    { name: 'application metadata value with a lone surrogate', method: 'POST', path: '/v1/applications', body: '{"name":"a","metadata":{"k":"v\\udc00"}}', status: 400, code: 'invalid_field', field: 'metadata.k' },
    { name: 'event type with spaces', method: 'POST', path: '/v1/messages', body: { eventType: 'a b', payload: {} }, status: 400, code: 'invalid_field', field: 'eventType' },
    { name: 'message id that URLs normalise away', method: 'POST', path: '/v1/messages', body: { eventType: 'a', payload: {}, id: '..' }, status: 400, code: 'invalid_field', field: 'id' },
    { name: 'message id with a slash', method: 'POST', path: '/v1/messages', body: { eventType: 'a', payload: {}, id: 'a/b' }, status: 400, code: 'invalid_field', field: 'id' },
    { name: 'bad Idempotency-Key', method: 'POST', path: '/v1/messages', body: { eventType: 'a', payload: {} }, headers: { 'Idempotency-Key': 'has space' }, status: 400, code: 'invalid_field', field: 'Idempotency-Key' },
    { name: 'invalid JSON', method: 'POST', path: '/v1/messages', body: '{"eventType": ', status: 400, code: 'invalid_json' },
    { name: 'a JSON array body', method: 'POST', path: '/v1/messages', body: '[1,2]', status: 400, code: 'invalid_field' },
    { name: 'a body over the size limit', method: 'POST', path: '/v1/messages', body: { eventType: 'a', payload: { big: 'x'.repeat(5000) } }, status: 413, code: 'payload_too_large' },
    { name: 'an unknown endpoint', method: 'GET', path: '/v1/endpoints/ep_missing', body: undefined, status: 404, code: 'endpoint_not_found' },
    { name: 'patching an unknown endpoint', method: 'PATCH', path: '/v1/endpoints/ep_missing', body: { disabled: true }, status: 404, code: 'endpoint_not_found' },
    { name: 'deleting an unknown endpoint', method: 'DELETE', path: '/v1/endpoints/ep_missing', body: undefined, status: 404, code: 'endpoint_not_found' },
    { name: 'an unknown message', method: 'GET', path: '/v1/messages/msg_missing', body: undefined, status: 404, code: 'message_not_found' },
    { name: 'an unknown delivery', method: 'GET', path: '/v1/deliveries/dlv_missing', body: undefined, status: 404, code: 'delivery_not_found' },
    { name: 'a bad dead-letter limit', method: 'GET', path: '/v1/dead-letters?limit=0', body: undefined, status: 400, code: 'invalid_field', field: 'limit' },
    { name: 'an unknown route', method: 'GET', path: '/v1/nothing-here', body: undefined, status: 404, code: 'route_not_found' },
    { name: 'an endpoint id with U+0000', method: 'GET', path: '/v1/endpoints/a%00b', body: undefined, status: 400, code: 'invalid_field', field: 'id' },
    { name: 'a message id with U+0000', method: 'GET', path: '/v1/messages/%00', body: undefined, status: 400, code: 'invalid_field', field: 'id' },
    { name: 'an endpointId query value with U+0000', method: 'GET', path: '/v1/dead-letters?endpointId=%00', body: undefined, status: 400, code: 'invalid_field', field: 'endpointId' },
  ];

  for (const bad of badInputs) {
    test(`answers ${bad.status} ${bad.code} to ${bad.name}`, async () => {
      const response = await hookway.api(bad.method, bad.path, bad.body, bad.headers);
      assert.equal(response.status, bad.status, JSON.stringify(response.body));
      assert.equal(response.body.error?.code, bad.code);
      assert.equal(typeof response.body.error?.message, 'string');
      if (bad.field) assert.equal(response.body.error?.field, bad.field, response.body.error?.message);
    });
  }

  test('PATCH refuses headers no attempt could send, naming the header, and keeps the ones it had', async () => {
    const created = await hookway.api<EndpointView>('POST', '/v1/endpoints', { url: 'https://example.invalid/hook', headers: { 'x-tenant': 'acme' } });
    assert.equal(created.status, 201);
    for (const [headers, field] of [
      [{ 'x-price': '10 €' }, 'headers.x-price'],
      [{ expect: '100-continue' }, 'headers.expect'],
      [{ upgrade: 'h2c' }, 'headers.upgrade'],
      [{ 'Keep-Alive': 'timeout=5' }, 'headers.Keep-Alive'],
      [{ 'x-a': '1', 'X-A': '2' }, 'headers.X-A'],
    ] as const) {
      const answer = await hookway.api('PATCH', `/v1/endpoints/${created.body.id}`, { headers });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.equal(answer.body.error?.code, 'invalid_field');
      assert.equal(answer.body.error?.field, field);
      assert.ok(answer.body.error?.message.startsWith(`${field}: `), answer.body.error?.message);
    }
    const kept = await hookway.api<EndpointView>('GET', `/v1/endpoints/${created.body.id}`);
    assert.deepEqual(kept.body.headers, { 'x-tenant': 'acme' });
  });

  test('rejected messages leave nothing behind', async () => {
    const count = async () => Number((await hookway.db.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0].n);
    const before = await count();
    await hookway.api('POST', '/v1/messages', { eventType: 'a', payload: [1] });
    assert.equal(await count(), before);
  });

  test('serves the OpenAPI document and its UI', async () => {
    const doc = await hookway.api<{ openapi: string; paths: Record<string, unknown> }>('GET', '/docs-json');
    assert.equal(doc.status, 200);
    for (const route of ['/v1/endpoints', '/v1/endpoints/{id}', '/v1/messages', '/v1/messages/{id}', '/v1/deliveries/{id}', '/v1/dead-letters', '/health']) {
      assert.ok(route in doc.body.paths, `${route} is documented`);
    }
    const ui = await fetch(`${hookway.apiUrl}/docs`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger-ui/i);
  });

  test('health is 200 with both services up and 503 naming PostgreSQL when its database is gone', async () => {
    const healthy = await hookway.api<{ status: string }>('GET', '/health');
    assert.equal(healthy.status, 200);
    assert.equal(healthy.body.status, 'ok');

    const other = await startTestHookway({}, { api: true, worker: false });
    try {
      await dropTestDatabase(other.config.database.url);
      const down = await other.api<{ postgres: string; temporal: string; error?: { message: string } }>('GET', '/health');
      assert.equal(down.status, 503);
      assert.equal(down.body.postgres, 'unavailable');
      assert.equal(down.body.temporal, 'ok');
      assert.match(down.body.error?.message ?? '', /postgres/);

      const refused = await other.api('POST', '/v1/messages', { eventType: 'a', payload: {} });
      assert.equal(refused.status, 503, 'nothing is accepted that could not be stored');
      assert.equal(refused.body.error?.code, 'postgres_unavailable');
    } finally {
      await other.stop();
    }
  });
});

describe('API authentication', () => {
  let hookway: TestHookway;

  before(async () => {
    hookway = await startTestHookway({}, { api: true, worker: false });
  });
  after(async () => {
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('every /v1 route answers 401 without the bearer token or with a wrong one', async () => {
    for (const [method, path] of [
      ['GET', '/v1/endpoints'],
      ['POST', '/v1/endpoints'],
      ['POST', '/v1/messages'],
      ['GET', '/v1/messages/msg_x'],
      ['GET', '/v1/deliveries/dlv_x'],
      ['GET', '/v1/dead-letters'],
      ['POST', '/v1/dead-letters/dlq_x/retry'],
      ['GET', '/v1/stats'],
    ]) {
      const missing = await hookway.api(method, path, method === 'POST' ? {} : undefined, { authorization: '' });
      assert.equal(missing.status, 401, `${method} ${path} without a token`);
      assert.equal(missing.body.error?.code, 'unauthorized');
      assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
      const wrong = await hookway.api(method, path, method === 'POST' ? {} : undefined, { authorization: 'Bearer nope' });
      assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
    }
    for (const path of ['/V1/endpoints', '/v1//endpoints', '/v1/ENDPOINTS', '/%76%31/endpoints', '/V1/stats']) {
      const sneaky = await hookway.api('GET', path, undefined, { authorization: '' });
      // 401 where a route matches, 404 where none does: never the data.
      assert.ok([401, 404].includes(sneaky.status), `${path} is no way around the token (got ${sneaky.status})`);
    }
    const oversized = await hookway.api('POST', '/v1/messages', { eventType: 'a', payload: { big: 'x'.repeat(300_000) } }, { authorization: '' });
    assert.equal(oversized.status, 401, 'the token is checked before the body is read');
    assert.equal((await hookway.api('GET', '/v1/endpoints')).status, 200, 'the right token passes');
  });

  test('health, metrics and the docs stay open for probes and scrapers', async () => {
    for (const path of ['/health', '/metrics', '/docs-json']) {
      assert.equal((await fetch(`${hookway.apiUrl}${path}`)).status, 200, path);
    }
  });

  test('an API with neither a token nor HOOKWAY_INSECURE_NO_AUTH refuses to start', async () => {
    await assert.rejects(startTestHookway({ HOOKWAY_API_TOKEN: '' }, { api: true, worker: false }), /HOOKWAY_API_TOKEN is required/);
  });
});
