import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import type { MessageView } from '../src/api/messages/message.view';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const DNS_TIMEOUT_MS = 6_000;

describe('endpoints whose DNS never answers', () => {
  let dns: TestDnsServer;
  let receiver: TestReceiver;
  let hookway: TestHookway;
  let scenario: Scenario;
  let port: string;

  before(async () => {
    // A real DNS server on 127.0.0.1: answers healthy.hookway.test, reads and drops every hang-* query.
    dns = await startDnsServer({ 'healthy.hookway.test': { a: ['127.0.0.1'], ttl: 1 } }, (name) => name.startsWith('hang-'));
    receiver = await startReceiver();
    port = new URL(receiver.url).port;
    hookway = await startTestHookway({ HOOKWAY_DNS_SERVERS: dns.address, HOOKWAY_DNS_TIMEOUT_MS: String(DNS_TIMEOUT_MS) });
    scenario = new Scenario(hookway);
  });
  after(async () => {
    await hookway.stop();
    await hookway.dropDatabase();
    await receiver.close();
    await dns.close();
  });

  /** Sends `eventType` and returns how long the receiver took to get it. */
  async function deliveredWithin(eventType: string): Promise<number> {
    const before = receiver.requests.length;
    const started = performance.now();
    await scenario.send(eventType);
    await receiver.waitForRequests(before + 1, 20_000);
    return performance.now() - started;
  }

  test('a host name resolved through HOOKWAY_DNS_SERVERS is delivered to', async () => {
    await scenario.endpoint({ url: `http://healthy.hookway.test:${port}/hook`, eventTypes: ['dns.named'] });
    const message = await scenario.send('dns.named');
    const delivery = await scenario.settled(message, 'succeeded');
    assert.equal(delivery.attempts[0].statusCode, 200);
    assert.ok(dns.queries('healthy.hookway.test') > 0, 'the configured server was asked');
  });

  test('each attempt fails as retryable dns_timeout at the DNS deadline, and the schedule goes on', async () => {
    await scenario.endpoint({ url: `http://hang-retry.hookway.test:${port}/hook`, eventTypes: ['dns.retry'], timeoutMs: 15_000, retryPolicy: fastRetries(2) });
    const message = await scenario.send('dns.retry');
    const delivery = await scenario.settled(message, 'dead_lettered', 4 * DNS_TIMEOUT_MS + 20_000);
    assert.equal(delivery.attempts.length, 2, 'retried: dns_timeout is retryable');
    for (const attempt of delivery.attempts) {
      assert.match(attempt.error ?? '', new RegExp(`^dns_timeout: no DNS answer for hang-retry\\.hookway\\.test within ${DNS_TIMEOUT_MS} ms`));
      assert.ok(attempt.durationMs >= DNS_TIMEOUT_MS - 100 && attempt.durationMs < DNS_TIMEOUT_MS + 2_000, `attempt took ${attempt.durationMs} ms`);
    }
    assert.ok(dns.queries('hang-retry.hookway.test') > 0);
  });

  test('an attempt deadline shorter than the DNS timeout bounds the resolution', async () => {
    await scenario.endpoint({ url: `http://hang-short.hookway.test:${port}/hook`, eventTypes: ['dns.short'], timeoutMs: 1_000, retryPolicy: fastRetries(1) });
    const message = await scenario.send('dns.short');
    const delivery = await scenario.settled(message, 'dead_lettered');
    assert.match(delivery.attempts[0].error ?? '', /^dns_timeout: no DNS answer for hang-short\.hookway\.test within 1000 ms/);
    assert.ok(delivery.attempts[0].durationMs < 2_500, `attempt took ${delivery.attempts[0].durationMs} ms`);
  });

  test('eight hung lookups in flight leave other endpoints and PostgreSQL as fast as before', async () => {
    await scenario.endpoint({ url: receiver.url, eventTypes: ['dns.healthy.ip'] });
    await scenario.endpoint({ url: `http://healthy.hookway.test:${port}/hook`, eventTypes: ['dns.healthy.name'] });
    const hungNames = Array.from({ length: 8 }, (_, i) => `hang-${i}.hookway.test`);
    for (const name of hungNames) {
      await scenario.endpoint({ url: `http://${name}:${port}/hook`, eventTypes: ['dns.hung'], timeoutMs: 15_000, retryPolicy: fastRetries(1) });
    }
    const baseline = { ip: await deliveredWithin('dns.healthy.ip'), name: await deliveredWithin('dns.healthy.name') };

    const hung: MessageView = await scenario.send('dns.hung');
    const sentAt = performance.now();
    assert.equal(hung.deliveries.length, 8);
    await eventually(
      async () => hungNames.filter((name) => dns.queries(name) > 0).length,
      (asked) => asked === 8,
      DNS_TIMEOUT_MS - 1_000,
      20,
    );

    const during = {
      ip: await deliveredWithin('dns.healthy.ip'),
      name: await deliveredWithin('dns.healthy.name'),
      pg: await (async () => {
        const started = performance.now();
        assert.equal((await hookway.api('GET', '/v1/endpoints')).status, 200);
        return performance.now() - started;
      })(),
    };
    const inFlightFor = performance.now() - sentAt;
    assert.ok(inFlightFor < DNS_TIMEOUT_MS - 500, `the eight lookups were still in flight (${Math.round(inFlightFor)} ms after sending)`);
    for (const [what, ms] of Object.entries(during)) {
      assert.ok(ms < 2_000, `${what} took ${Math.round(ms)} ms with eight hung lookups in flight (DNS timeout ${DNS_TIMEOUT_MS} ms)`);
    }
    console.log(`[dns] healthy delivery alone: ip ${Math.round(baseline.ip)} ms, name ${Math.round(baseline.name)} ms; during 8 hung lookups: ip ${Math.round(during.ip)} ms, name ${Math.round(during.name)} ms, API+PostgreSQL ${Math.round(during.pg)} ms`);

    const settled: DeliveryView[] = await Promise.all(
      hung.deliveries.map(({ id }) => eventually(() => scenario.delivery(id), (d) => d.status === 'dead_lettered', DNS_TIMEOUT_MS + 20_000)),
    );
    for (const delivery of settled) {
      assert.match(delivery.attempts[0].error ?? '', /^dns_timeout: no DNS answer for hang-\d\.hookway\.test/);
      assert.ok(delivery.attempts[0].durationMs < DNS_TIMEOUT_MS + 2_000, `failed within its deadline (${delivery.attempts[0].durationMs} ms)`);
    }
  });
});
