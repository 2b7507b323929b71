import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { MessageView } from '../src/api/messages/message.view';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { startTestHookway, type TestHookway } from './support/test-hookway';

// Bounded so the suite stays fast on two cores; the seed is printed on failure to replay it.
const RUNS = 120;

/** Sends a raw body; fetch would refuse some of the byte sequences worth trying. */
function rawPost(url: string, path: string, token: string, body: Buffer, chunked = false): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, url);
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
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
    hookway = await startTestHookway({ HOOKWAY_MAX_PAYLOAD_BYTES: '65536' });
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
        const answer = await rawPost(hookway.apiUrl, '/v1/messages', hookway.config.apiToken ?? '', Buffer.from(bytes));
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
    const big = Buffer.from(JSON.stringify({ eventType: 'fuzz.big', payload: { blob: 'x'.repeat(70_000) } }));
    for (const chunked of [false, true]) {
      const answer = await rawPost(hookway.apiUrl, '/v1/messages', hookway.config.apiToken ?? '', big, chunked);
      assert.equal(answer.status, 413, `chunked=${chunked}: ${answer.text}`);
      assert.match(answer.text, /payload_too_large/);
    }
    assert.equal(await count(), before);
  });
});
