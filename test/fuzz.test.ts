import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import type { MessageView } from '../src/api/messages/message.view';
import { MAX_JSON_DEPTH } from '../src/api/common/json-depth';
import { eventually } from './support/eventually';
import { headerName, headerValue, rawHeaderValues } from './support/header-arbitraries';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestHookway, type TestHookway } from './support/test-hookway';

// Bounded so the suite stays fast on two cores; the seed is printed on failure to replay it.
const RUNS = 120;
// Large enough for 100,000 levels of nested objects to be judged on their depth, not their size.
const MAX_PAYLOAD_BYTES = 1024 * 1024;

/** `levels` arrays or objects inside one another around `inner`, built without recursion. */
function nested(levels: number, shape: 'array' | 'object', inner = '1', close = true): string {
  const [open, end] = shape === 'array' ? ['[', ']'] : ['{"k":', '}'];
  return open.repeat(levels) + inner + (close ? end.repeat(levels) : '');
}

/** A message whose body nests `levels` levels deep in all (the body itself is level 1, its payload level 2). */
function deepMessage(levels: number, shape: 'array' | 'object', eventType = 'fuzz.deep'): string {
  return `{"eventType":"${eventType}","payload":{"v":${nested(levels - 2, shape)}}}`;
}

/** Sends a raw body; fetch would refuse some of the byte sequences worth trying. */
function rawPost(url: string, path: string, token: string, body: Buffer, chunked = false, method = 'POST'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    if (chunked) {
      for (let offset = 0; offset < body.length; offset += 8192) request.write(body.subarray(offset, offset + 8192));
      request.end();
    } else {
      request.end(body);
    }
  });
}

describe('no input makes the API fail or lose what it accepted (property-based)', () => {
  let hookway: TestHookway;
  let receiver: TestReceiver;
  const accepted = new Map<string, unknown>();

  before(async () => {
    hookway = await startTestHookway({ HOOKWAY_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES) });
    receiver = await startReceiver();
    // A catch-all endpoint: every accepted message must reach it.
    assert.equal((await hookway.api('POST', '/v1/endpoints', { url: receiver.url })).status, 201);
  });
  after(async () => {
    await receiver.close();
    await hookway.stop();
    await hookway.dropDatabase();
  });

  test('POST /v1/messages with any JSON: never a 5xx, and every 202 is stored as sent and delivered', async () => {
    const body = fc.oneof(
      fc.record({ eventType: fc.string({ maxLength: 40 }), payload: fc.jsonValue({ maxDepth: 4 }) }, { requiredKeys: [] }),
      fc.record({ eventType: fc.constantFrom('fuzz.a', 'fuzz.b'), payload: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), id: fc.string({ maxLength: 30 }) }, { requiredKeys: ['eventType', 'payload'] }),
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ eventType: fc.constantFrom('fuzz.c', 'fuzz.d:e', 'f-g_h'), payload: fc.object({ maxDepth: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const answer = await hookway.api<MessageView>('POST', '/v1/messages', JSON.stringify(value));
        assert.ok(answer.status < 500, `status ${answer.status} for ${JSON.stringify(value)}: ${JSON.stringify(answer.body)}`);
        if (answer.status === 202) {
          const sent = value as { payload: unknown };
          const stored = await hookway.api<MessageView>('GET', `/v1/messages/${encodeURIComponent(answer.body.id)}`);
          assert.equal(stored.status, 200);
          // A repeated id is idempotent: the first payload accepted under it stands.
          const first = accepted.has(answer.body.id) ? accepted.get(answer.body.id) : sent.payload;
          assert.deepEqual(stored.body.payload, JSON.parse(JSON.stringify(first)));
          if (!accepted.has(answer.body.id)) accepted.set(answer.body.id, sent.payload);
        } else {
          assert.equal(typeof (answer.body as { error?: { code?: string } }).error?.code, 'string', 'errors carry a code');
        }
      }),
      // Found by CI: ids that URLs normalise away ("." and "..") were accepted but could not be read back.
      { numRuns: RUNS, examples: [[{ eventType: 'fuzz.a', payload: {}, id: '.' }], [{ eventType: 'fuzz.a', payload: {}, id: '..' }]] },
    );
    assert.ok(accepted.size >= 10, `only ${accepted.size} of ${RUNS} generated messages were valid: the generator must exercise acceptance too`);
    const ids = [...accepted.keys()];
    await eventually(
      async () => new Set(receiver.requests.map((r) => r.headers['webhook-id'])),
      (seen) => ids.every((id) => seen.has(id)),
      60_000,
    );
  });

  test('payload keys that shadow Object.prototype reach receivers unchanged, or are refused by name, never dropped', async () => {
    const payload = JSON.parse('{"toString":0,"valueOf":"v","hasOwnProperty":[1],"nested":{"isPrototypeOf":true}}') as Record<string, unknown>;
    const answer = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'fuzz.proto', payload });
    assert.equal(answer.status, 202);
    const stored = await hookway.api<MessageView>('GET', `/v1/messages/${answer.body.id}`);
    assert.deepEqual(stored.body.payload, payload);
    const [request] = await eventually(
      async () => receiver.requests.filter((r) => r.headers['webhook-id'] === answer.body.id),
      (list) => list.length === 1,
    );
    assert.match(request.rawBody, /"data":\{"toString":0,"valueOf":"v","hasOwnProperty":\[1\],"nested":\{"isPrototypeOf":true\}\}/);

    for (const [body, field] of [
      ['{"eventType":"fuzz.proto","payload":{"a":{"__proto__":{"polluted":true}}}}', 'payload.a.__proto__'],
      ['{"eventType":"fuzz.proto","payload":{"list":[{"constructor":1}]}}', 'payload.list[0].constructor'],
    ]) {
      const refused = await hookway.api('POST', '/v1/messages', body);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error?.field, field);
    }
    assert.equal(({} as { polluted?: boolean }).polluted, undefined, 'no prototype was polluted');
  });

  test('raw bytes, broken JSON and odd encodings are refused with a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 300 }).map((s) => Buffer.from(s))), async (bytes) => {
        const answer = await rawPost(hookway.apiUrl, '/v1/messages', hookway.config.security.apiToken ?? '', Buffer.from(bytes));
        assert.ok(answer.status >= 200 && answer.status < 500, `status ${answer.status}: ${answer.text}`);
      }),
      { numRuns: RUNS },
    );
  });

  test('endpoint routes with any body or id: never a 5xx', async () => {
    const endpointBody = fc.record(
      {
        url: fc.oneof(fc.webUrl(), fc.string(), fc.constant('http://127.0.0.1:9/x')),
        eventTypes: fc.oneof(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), fc.jsonValue()),
        headers: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), fc.jsonValue()),
        retryPolicy: fc.oneof(fc.record({ maxAttempts: fc.integer(), initialIntervalMs: fc.double() }, { requiredKeys: [] }), fc.jsonValue()),
        timeoutMs: fc.oneof(fc.integer(), fc.double(), fc.string()),
        disabled: fc.jsonValue(),
        rateLimitPerSecond: fc.oneof(fc.double(), fc.constant(null)),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(endpointBody, fc.string({ maxLength: 40 }), async (body, id) => {
        const created = await hookway.api<{ id: string }>('POST', '/v1/endpoints', body);
        assert.ok(created.status < 500, `POST ${created.status}: ${JSON.stringify(body)} → ${JSON.stringify(created.body)}`);
        if (created.status === 201) {
          // Nothing fuzzed may receive deliveries afterwards.
          assert.equal((await hookway.api('DELETE', `/v1/endpoints/${created.body.id}`)).status, 204);
        }
        const path = encodeURIComponent(id);
        for (const [method, route] of [
          ['GET', `/v1/endpoints/${path}`],
          ['PATCH', `/v1/endpoints/${path}`],
          ['GET', `/v1/messages/${path}`],
          ['GET', `/v1/deliveries/${path}`],
          ['POST', `/v1/dead-letters/${path}/retry`],
          ['DELETE', `/v1/dead-letters/${path}`],
          ['GET', `/v1/dead-letters?limit=${path}&endpointId=${path}`],
          ['GET', `/v1/stats?window=${path}`],
        ]) {
          const answer = await hookway.api(method, route, method === 'PATCH' ? body : undefined);
          assert.ok(answer.status < 500, `${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  test('bodies over HOOKWAY_MAX_PAYLOAD_BYTES get 413, chunked ones included, and store nothing', async () => {
    const count = async () => Number((await hookway.db.query<{ n: string }>('SELECT count(*) AS n FROM messages')).rows[0].n);
    const before = await count();
    const big = Buffer.from(JSON.stringify({ eventType: 'fuzz.big', payload: { blob: 'x'.repeat(MAX_PAYLOAD_BYTES + 1000) } }));
    for (const chunked of [false, true]) {
      const answer = await rawPost(hookway.apiUrl, '/v1/messages', hookway.config.security.apiToken ?? '', big, chunked);
      assert.equal(answer.status, 413, `chunked=${chunked}: ${answer.text}`);
      assert.match(answer.text, /payload_too_large/);
    }
    assert.equal(await count(), before);
  });
  test('bodies nested deeper than 64 levels get 400 invalid_json naming the limit on every route, chunked too, and the API answers on', async () => {
    const endpoint = await hookway.api<{ id: string }>('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/never', eventTypes: ['fuzz.never'] });
    assert.equal(endpoint.status, 201);
    const routes: [string, string][] = [
      ['POST', '/v1/messages'],
      ['POST', '/v1/endpoints'],
      ['PATCH', `/v1/endpoints/${endpoint.body.id}`],
      ['POST', `/v1/endpoints/${endpoint.body.id}/secret/rotate`],
      ['POST', `/v1/endpoints/${endpoint.body.id}/dead-letters/retry`],
      ['POST', '/v1/dead-letters/none/retry'],
    ];
    const bodies: [string, string][] = [];
    for (const levels of [MAX_JSON_DEPTH + 1, 3_000, 6_000, 100_000]) {
      for (const shape of ['array', 'object'] as const) {
        bodies.push([`${levels} levels of ${shape}s`, nested(levels, shape)]);
        bodies.push([`a message ${levels} levels deep in ${shape}s`, deepMessage(levels, shape)]);
        bodies.push([`${levels} unclosed ${shape}s`, nested(levels, shape, '', false)]);
      }
    }
    for (const [method, path] of routes) {
      for (const [name, body] of bodies) {
        for (const chunked of [false, true]) {
          const answer = await rawPost(hookway.apiUrl, path, hookway.config.security.apiToken ?? '', Buffer.from(body), chunked, method);
          assert.equal(answer.status, 400, `${method} ${path}, ${name}, chunked=${chunked}: ${answer.status} ${answer.text.slice(0, 200)}`);
          const error = (JSON.parse(answer.text) as { error: { code: string; message: string } }).error;
          assert.equal(error.code, 'invalid_json');
          assert.match(error.message, /deeper than 64 levels/);
        }
      }
    }
    assert.equal((await hookway.api('GET', '/health')).status, 200, 'the API still answers');
  });

  test('the depth limit holds in every charset the API takes: UTF-16 is decoded before it is read, UTF-32 gets 415', async () => {
    const send = async (body: string, charset: string, encode: (text: string) => Buffer) => {
      const response = await fetch(`${hookway.apiUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': `application/json; charset=${charset}`, authorization: `Bearer ${hookway.config.security.apiToken ?? ''}` },
        body: encode(body),
      });
      return { status: response.status, text: await response.text() };
    };
    const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();
    for (const [charset, encode] of [['utf-16le', (text: string) => Buffer.from(text, 'utf16le')], ['utf-16be', utf16be]] as const) {
      const deep = await send(deepMessage(MAX_JSON_DEPTH + 1, 'array'), charset, encode);
      assert.equal(deep.status, 400, `${charset}: ${deep.text}`);
      assert.match(deep.text, /invalid_json.*deeper than 64 levels/);
      // U+5B22 is the bytes 22 5B in UTF-16LE: a byte scan would take it for a quote and a bracket.
      const tricky = await send(JSON.stringify({ eventType: 'fuzz.utf16', payload: { s: '\u5b22\u7b5b'.repeat(100) } }), charset, encode);
      assert.equal(tricky.status, 202, `${charset}: ${tricky.text}`);
    }
    const utf32 = await send(deepMessage(3, 'array'), 'utf-32', (text) => Buffer.from(text));
    assert.equal(utf32.status, 415, utf32.text);
    assert.match(utf32.text, /unsupported_charset/);
  });

  test('a message exactly 64 levels deep is accepted and delivered; brackets inside strings never count', async () => {
    const sent: string[] = [];
    for (const shape of ['array', 'object'] as const) {
      const answer = await hookway.api<MessageView>('POST', '/v1/messages', deepMessage(MAX_JSON_DEPTH, shape, `fuzz.deep64.${shape}`));
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      sent.push(answer.body.id);
    }
    for (const text of ['['.repeat(100_000), '{'.repeat(100_000), `"\\[${'{['.repeat(50_000)}`]) {
      const answer = await hookway.api<MessageView>('POST', '/v1/messages', { eventType: 'fuzz.brackets', payload: { text, [text.slice(0, 1000)]: [text] } });
      assert.equal(answer.status, 202, JSON.stringify(answer.body));
      const stored = await hookway.api<MessageView>('GET', `/v1/messages/${answer.body.id}`);
      assert.deepEqual(stored.body.payload, { text, [text.slice(0, 1000)]: [text] });
      sent.push(answer.body.id);
    }
    const delivered = await eventually(
      async () => receiver.requests.filter((r) => sent.includes(r.headers['webhook-id'])),
      (list) => new Set(list.map((r) => r.headers['webhook-id'])).size === sent.length,
      60_000,
    );
    const deepest = delivered.find((r) => r.headers['webhook-id'] === sent[0]);
    assert.equal(deepest?.rawBody.includes(`"data":{"v":${nested(MAX_JSON_DEPTH - 2, 'array')}}`), true);
  });

  test('any nesting depth, arrays and objects mixed, strings with brackets: 202 up to 64 levels, 400 invalid_json beyond (property-based)', async () => {
    const wrapper = fc.constantFrom('[', '{"a":', '{"[":', '[0,', '{"x\\"{":"]",":":');
    const closing: Record<string, string> = { '[': ']', '{"a":': '}', '{"[":': '}', '[0,': ']', '{"x\\"{":"]",":":': '}' };
    const depths = fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 60, max: 68 }), fc.integer({ min: 71, max: 20_000 }));
    await fc.assert(
      fc.asyncProperty(depths, fc.array(wrapper, { minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 }), async (levels, cycle, leaf) => {
        let open = '';
        let close = '';
        for (let i = 0; i < levels; i += 1) {
          open += cycle[i % cycle.length];
          close = closing[cycle[i % cycle.length]] + close;
        }
        const body = `{"eventType":"fuzz.depth","payload":{"v":${open}${JSON.stringify(leaf)}${close}}}`;
        const answer = await rawPost(hookway.apiUrl, '/v1/messages', hookway.config.security.apiToken ?? '', Buffer.from(body));
        const total = levels + 2;
        if (total <= MAX_JSON_DEPTH) assert.equal(answer.status, 202, `${total} levels: ${answer.text}`);
        else {
          assert.equal(answer.status, 400, `${total} levels: ${answer.text.slice(0, 200)}`);
          assert.match(answer.text, /invalid_json/);
        }
      }),
      { numRuns: 60 },
    );
  });

  test('huge arrays, long keys and many keys, on every route that takes a body: never a 5xx, and a 202 is stored as sent', async () => {
    const existing = await hookway.api<{ id: string }>('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/never', eventTypes: ['fuzz.never'] });
    const bulky = fc.oneof(
      fc.integer({ min: 0, max: 300_000 }).map((n) => ({ list: new Array<number>(n).fill(0) })),
      fc.integer({ min: 1, max: 1_100_000 }).map((n) => ({ ['k'.repeat(n)]: 1 })),
      fc.integer({ min: 1, max: 120_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, i]))),
      fc.integer({ min: 1, max: 20_000 }).map((n) => ({ list: Array.from({ length: n }, (_, i) => ({ [`k${i}`]: [i] })) })),
    );
    const route = fc.constantFrom<[string, string, (value: unknown) => unknown]>(
      ['POST', '/v1/messages', (payload) => ({ eventType: 'fuzz.bulky', payload })],
      ['POST', '/v1/messages', (payload) => payload],
      ['POST', '/v1/endpoints', (headers) => ({ url: 'http://127.0.0.1:9/never', eventTypes: ['fuzz.never'], headers })],
      ['POST', '/v1/endpoints', (value) => ({ url: 'http://127.0.0.1:9/never', eventTypes: Object.keys(value as object), description: JSON.stringify(value) })],
      ['PATCH', `/v1/endpoints/${existing.body.id}`, (headers) => ({ headers })],
      ['PATCH', `/v1/endpoints/${existing.body.id}`, (value) => value],
      ['POST', `/v1/endpoints/${existing.body.id}/secret/rotate`, (value) => value],
    );
    await fc.assert(
      fc.asyncProperty(route, bulky, async ([method, path, wrap], value) => {
        const body = JSON.stringify(wrap(value));
        const answer = await rawPost(hookway.apiUrl, path, hookway.config.security.apiToken ?? '', Buffer.from(body), false, method);
        assert.ok(answer.status < 500, `${method} ${path} with ${body.length} bytes: ${answer.status} ${answer.text.slice(0, 300)}`);
        if (answer.status === 202) {
          const id = (JSON.parse(answer.text) as { id: string }).id;
          const stored = await hookway.api<MessageView>('GET', `/v1/messages/${encodeURIComponent(id)}`);
          assert.deepEqual(stored.body.payload, value);
        } else if (answer.status === 201) {
          assert.equal((await hookway.api('DELETE', `/v1/endpoints/${(JSON.parse(answer.text) as { id: string }).id}`)).status, 204);
        } else if (answer.status >= 400) {
          assert.equal(typeof (JSON.parse(answer.text) as { error: { code: string } }).error.code, 'string');
        }
        if (body.length > MAX_PAYLOAD_BYTES) assert.equal(answer.status, 413);
      }),
      { numRuns: 30 },
    );
  });

  test('ids, path segments and query strings of any shape and size: never a 5xx', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
      fc.constantFrom('%', '%ZZ', '%00', '%C0%AF', '%E2%82', '..%2F..%2F', '%2e%2e', 'a%2Fb'),
      fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)),
    );
    const query = fc.oneof(
      fc.string({ maxLength: 60 }).map(encodeURIComponent).map((v) => `limit=${v}&offset=${v}&endpointId=${v}&after=${v}&window=${v}`),
      fc.integer({ min: 1, max: 5_000 }).map((n) => `limit${'[a]'.repeat(n)}=1`),
      fc.integer({ min: 1, max: 5_000 }).map((n) => Array.from({ length: n }, (_, i) => `limit=${i}`).join('&')),
      fc.constantFrom('limit=%', 'window=%ZZ', 'limit[]=1&limit[]=2', 'limit=1e999', 'limit=-1', 'offset=9999999999999999999', 'window=0s', 'window=99999999999d'),
    );
    await fc.assert(
      fc.asyncProperty(segment, query, async (id, q) => {
        for (const [method, path] of [
          ['GET', `/v1/endpoints?${q}`],
          ['GET', `/v1/endpoints/${id}?${q}`],
          ['GET', `/v1/endpoints/${id}/blocked-keys`],
          ['GET', `/v1/endpoints/${id}/ordering-keys/${id}`],
          ['GET', `/v1/messages/${id}`],
          ['GET', `/v1/deliveries/${id}`],
          ['GET', `/v1/dead-letters?${q}`],
          ['POST', `/v1/dead-letters/${id}/retry`],
          ['DELETE', `/v1/dead-letters/${id}`],
          ['POST', `/v1/endpoints/${id}/dead-letters/retry`],
          ['GET', `/v1/stats?${q}`],
        ]) {
          const answer = await hookway.api(method, path);
          assert.ok(answer.status < 500, `${method} ${path.slice(0, 200)}: ${answer.status} ${String(JSON.stringify(answer.body)).slice(0, 200)}`);
        }
      }),
      { numRuns: 40 },
    );
  });

  test('custom headers: every set the API accepts reaches a receiver as written, the rest get 400 naming the header (property-based)', async () => {
    const raw: { id: string; rawHeaders: string[] }[] = [];
    const server = http.createServer((req, res) => {
      raw.push({ id: String(req.headers['webhook-id']), rawHeaders: req.rawHeaders });
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/headers`;
    const patched = await hookway.api<{ id: string }>('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/never', eventTypes: ['fuzz.never'] });
    let cases = 0;
    let accepted = 0;
    let refused = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.dictionary(headerName, headerValue, { minKeys: 1, maxKeys: 6 }), async (headers) => {
          cases += 1;
          const eventType = `fuzz.headers.${cases}`;
          const created = await hookway.api<{ id: string }>('POST', '/v1/endpoints', { url, eventTypes: [eventType], headers, retryPolicy: { maxAttempts: 1 } });
          const update = await hookway.api('PATCH', `/v1/endpoints/${patched.body.id}`, { headers });
          assert.equal(update.status, created.status === 201 ? 200 : created.status, 'create and update judge headers alike');
          if (created.status !== 201) {
            refused += 1;
            assert.equal(created.status, 400, JSON.stringify(created.body));
            const error = (created.body as unknown as { error: { code: string; field: string } }).error;
            assert.equal(error.code, 'invalid_field');
            assert.match(error.field, /^headers(\.|$)/);
            assert.equal((update.body as unknown as { error: { field: string } }).error.field, error.field);
            const name = error.field.slice('headers.'.length);
            if (name) assert.ok(Object.keys(headers).some((key) => key.startsWith(name.replace(/\.\.\.$/, ''))), `${error.field} names a header sent`);
            return;
          }
          accepted += 1;
          const message = await hookway.api<MessageView>('POST', '/v1/messages', { eventType, payload: {} });
          assert.equal(message.status, 202);
          const [request] = await eventually(async () => raw.filter((r) => r.id === message.body.id), (list) => list.length === 1, 60_000);
          // Names are stored lower-case (HTTP names are case-insensitive); values arrive exactly as sent.
          for (const [name, value] of Object.entries(headers)) {
            assert.deepEqual(rawHeaderValues(request.rawHeaders, name.toLowerCase()), [value], `${name}: ${JSON.stringify(value)}`);
          }
          assert.equal((await hookway.api('DELETE', `/v1/endpoints/${created.body.id}`)).status, 204);
        }),
        {
          numRuns: 30,
          examples: [[{ 'x-price': '10 €' }], [{ expect: '100-continue' }], [{ upgrade: 'h2c' }], [{ 'keep-alive': 'timeout=5' }], [{ 'x-tenant': 'acme', Authorization: 'Bearer t' }]],
        },
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    assert.ok(accepted >= 5 && refused >= 5, `the generator exercises both sides: ${accepted} accepted, ${refused} refused`);
  });
});
