import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import { settle } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

/** A raw server for answers the scripted receiver cannot give (drips, resets, huge bodies). */
async function rawServer(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('every attempt is classified', () => {
  let hookway: TestHookway;
  let scenario: Scenario;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    hookway = await startTestHookway();
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await Promise.all(cleanups.map((c) => c()));
    await hookway.stop();
    await hookway.dropDatabase();
  });

  async function receiver(script: Parameters<typeof startReceiver>[0]): Promise<TestReceiver> {
    const r = await startReceiver(script);
    cleanups.push(() => r.close());
    return r;
  }

  test('429 with Retry-After: 2 waits two seconds before the next attempt, and the attempt says so', async () => {
    const target = await receiver((n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' }, body: 'slow down' } : { status: 200 }));
    await scenario.endpoint({ url: target.url, eventTypes: ['rate.limited'], retryPolicy: { ...fastRetries(3), maxIntervalMs: 10_000 } });
    const message = await scenario.send('rate.limited');
    const [first, second] = await target.waitForRequests(2, 20_000);
    assert.ok(second.receivedAt - first.receivedAt >= 1_900, `second attempt came ${second.receivedAt - first.receivedAt} ms after the first`);
    const delivery = await scenario.settled(message, 'succeeded');
    assert.equal(delivery.attempts[0].statusCode, 429);
    assert.equal(delivery.attempts[0].retryAfterMs, 2000);
    assert.match(delivery.attempts[0].error ?? '', /^http_429: .*Retry-After/);
  });

  test('Retry-After longer than maxIntervalMs is clamped to it', async () => {
    const target = await receiver((n) => (n === 0 ? { status: 503, headers: { 'retry-after': '3600' } } : { status: 200 }));
    await scenario.endpoint({ url: target.url, eventTypes: ['unavailable.long'], retryPolicy: { ...fastRetries(3), maxIntervalMs: 500 } });
    const message = await scenario.send('unavailable.long');
    const delivery = await scenario.settled(message, 'succeeded', 15_000);
    assert.equal(delivery.attempts[0].retryAfterMs, 500);
  });

  test('400 is permanent: dead-lettered after one attempt without using up the schedule', async () => {
    const target = await receiver(() => ({ status: 400, body: 'schema mismatch' }));
    await scenario.endpoint({ url: target.url, eventTypes: ['bad.payload'], retryPolicy: fastRetries(5) });
    const message = await scenario.send('bad.payload');
    const delivery = await scenario.settled(message, 'dead_lettered');
    assert.equal(delivery.attempts.length, 1);
    assert.match(delivery.attempts[0].error ?? '', /^http_400: receiver answered 400: schema mismatch/);
    assert.equal(delivery.attempts[0].responseBody, 'schema mismatch');
    await settle(500);
    assert.equal(target.requests.length, 1);
  });

  test('410 Gone dead-letters at once and disables the endpoint until it is re-enabled', async () => {
    const target = await receiver(() => ({ status: 410 }));
    const endpoint = await scenario.endpoint({ url: target.url, eventTypes: ['gone.away'], retryPolicy: fastRetries(5) });
    const message = await scenario.send('gone.away');
    await scenario.settled(message, 'dead_lettered');
    const after = await hookway.api<EndpointView>('GET', `/v1/endpoints/${endpoint.id}`);
    assert.equal(after.body.disabled, true);
    assert.equal(after.body.disabledReason, 'gone');
    const next = await scenario.send('gone.away');
    assert.equal(next.deliveries.length, 0, 'a disabled endpoint gets no new deliveries');

    const enabled = await hookway.api<EndpointView>('PATCH', `/v1/endpoints/${endpoint.id}`, { disabled: false });
    assert.equal(enabled.body.disabled, false);
    assert.equal(enabled.body.disabledReason, null);
    assert.equal((await scenario.send('gone.away')).deliveries.length, 1);
  });

  test('302 is never followed: the redirect target gets nothing and the delivery dead-letters', async () => {
    const elsewhere = await receiver(() => ({ status: 200 }));
    const target = await receiver(() => ({ status: 302, headers: { location: elsewhere.url } }));
    await scenario.endpoint({ url: target.url, eventTypes: ['moved'], retryPolicy: fastRetries(5) });
    const message = await scenario.send('moved');
    const delivery = await scenario.settled(message, 'dead_lettered');
    assert.match(delivery.attempts[0].error ?? '', /^http_302/);
    assert.equal(elsewhere.requests.length, 0);
  });

  test('a receiver that drips its answer is cut off at timeoutMs', async () => {
    const drip = await rawServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 1_000);
      res.on('close', () => clearInterval(timer));
    });
    cleanups.push(drip.close);
    await scenario.endpoint({ url: drip.url, eventTypes: ['slow.drip'], timeoutMs: 1_000, retryPolicy: fastRetries(2) });
    const message = await scenario.send('slow.drip');
    const delivery = await scenario.settled(message, 'dead_lettered', 20_000);
    assert.equal(delivery.attempts.length, 2);
    for (const attempt of delivery.attempts) {
      assert.match(attempt.error ?? '', /^timeout: no complete answer within 1000 ms/);
      assert.ok(attempt.durationMs < 2_500, `attempt took ${attempt.durationMs} ms`);
    }
  });

  test('a 10 MB answer is read only in part and stored as 4 KiB', async () => {
    const huge = await rawServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(10 * 1024 * 1024));
    });
    cleanups.push(huge.close);
    await scenario.endpoint({ url: huge.url, eventTypes: ['big.answer'], retryPolicy: fastRetries(2) });
    const message = await scenario.send('big.answer');
    const delivery = await scenario.settled(message, 'succeeded');
    assert.equal(delivery.attempts.length, 1);
    assert.equal(delivery.attempts[0].responseBody?.length, 4096);
  });

  test('a connection reset is retried and recorded as connection_reset', async () => {
    let calls = 0;
    const flaky = await rawServer((req, res) => {
      calls += 1;
      if (calls === 1) {
        req.socket.destroy();
        return;
      }
      req.resume();
      res.end('ok');
    });
    cleanups.push(flaky.close);
    await scenario.endpoint({ url: flaky.url, eventTypes: ['reset.once'], retryPolicy: fastRetries(3) });
    const message = await scenario.send('reset.once');
    const delivery = await scenario.settled(message, 'succeeded');
    assert.match(delivery.attempts[0].error ?? '', /^connection_reset/);
    assert.equal(delivery.attempts[1].statusCode, 200);
  });

  test('a refused connection is retried and recorded as connection_refused', async () => {
    const closed = await rawServer(() => undefined);
    await closed.close();
    await scenario.endpoint({ url: closed.url, eventTypes: ['nobody.home'], retryPolicy: fastRetries(2) });
    const message = await scenario.send('nobody.home');
    const delivery = await scenario.settled(message, 'dead_lettered');
    assert.equal(delivery.attempts.length, 2);
    assert.match(delivery.attempts[0].error ?? '', /^connection_refused/);
  });
});
