import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { postWebhook } from '../../activities/http-attempt';
import { DestinationPolicy } from '../../src/security/destination-policy';
import { guardedConnector } from '../../src/security/guarded-connector';
import { DnsLookupError, DnsTimeoutError, HostResolver } from '../../src/security/host-resolver';
import { startDnsServer, type TestDnsServer } from '../support/dns-server';

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('HostResolver against a real DNS server on 127.0.0.1', () => {
  let dns: TestDnsServer;

  before(async () => {
    dns = await startDnsServer(
      {
        'dual.hookway.test': { a: ['127.0.0.2'], aaaa: ['::1'], ttl: 1 },
        'v6only.hookway.test': { aaaa: ['2001:db8::5'] },
        'healthy.hookway.test': { a: ['127.0.0.1'], ttl: 0 },
      },
      (name) => name.startsWith('hang-'),
    );
  });
  after(() => dns.close());

  const resolver = (timeoutMs = 5_000): HostResolver => new HostResolver({ servers: [dns.address], timeoutMs, hostsFile: '/nonexistent' });

  test('resolves A and AAAA from the configured server, IPv4 first', async () => {
    assert.deepEqual(await resolver().resolve('dual.hookway.test'), [
      { address: '127.0.0.2', family: 4 },
      { address: '::1', family: 6 },
    ]);
    assert.deepEqual(await resolver().resolve('v6only.hookway.test'), [{ address: '2001:db8::5', family: 6 }]);
  });

  test('keeps an answer for its TTL, then asks again', async () => {
    const r = resolver();
    const before = dns.queries('dual.hookway.test');
    await r.resolve('dual.hookway.test');
    await r.resolve('DUAL.hookway.test.');
    assert.equal(dns.queries('dual.hookway.test') - before, 2, 'one A and one AAAA query for both resolutions');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await r.resolve('dual.hookway.test');
    assert.equal(dns.queries('dual.hookway.test') - before, 4, 'asked again once the 1 s TTL passed');
  });

  test('concurrent resolutions of one name share one query', async () => {
    const r = resolver();
    const before = dns.queries('healthy.hookway.test');
    await Promise.all(Array.from({ length: 20 }, () => r.resolve('healthy.hookway.test')));
    assert.equal(dns.queries('healthy.hookway.test') - before, 2);
  });

  test('a name that does not exist fails as a lookup error, not a timeout', async () => {
    await assert.rejects(resolver().resolve('missing.hookway.test'), (error: unknown) => error instanceof DnsLookupError && error.code === 'ENOTFOUND');
  });

  test('a server that never answers fails the resolution at its deadline', async () => {
    const { ms } = await timed(() =>
      assert.rejects(resolver().resolve('hang-deadline.hookway.test', 400), (error: unknown) => error instanceof DnsTimeoutError && error.code === 'EDNSTIMEOUT'),
    );
    assert.ok(ms >= 390 && ms < 1_000, `gave up after ${Math.round(ms)} ms`);
    assert.ok(dns.queries('hang-deadline.hookway.test') > 0, 'the configured server was asked');
  });

  test('a long default deadline is waited in full, though c-ares alone gives up at about 5 s', async () => {
    const timeoutMs = 6_000;
    const { ms } = await timed(() =>
      assert.rejects(resolver(timeoutMs).resolve('hang-default.hookway.test'), (error: unknown) => error instanceof DnsTimeoutError),
    );
    assert.ok(ms >= timeoutMs - 10 && ms < timeoutMs + 500, `gave up after ${Math.round(ms)} ms of ${timeoutMs}`);
  });

  test('a resolution that joins a query begun earlier still gets its whole deadline', async () => {
    const r = resolver(1_500);
    const first = timed(() => assert.rejects(r.resolve('hang-shared.hookway.test'), (error: unknown) => error instanceof DnsTimeoutError));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { ms } = await timed(() => assert.rejects(r.resolve('hang-shared.hookway.test'), (error: unknown) => error instanceof DnsTimeoutError));
    assert.ok(ms >= 1_490 && ms < 2_000, `the later resolution gave up after ${Math.round(ms)} ms of its 1500`);
    assert.ok((await first).ms < 2_000);
  });

  test('IP literals, localhost and hosts-file names are answered without DNS', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-hosts-'));
    const hostsFile = path.join(dir, 'hosts');
    fs.writeFileSync(hostsFile, '# comment\n127.0.0.9  receiver.internal  alias.internal # trailing\n::1 receiver.internal\n');
    try {
      // A resolver whose server never answers: anything that reached DNS would time out.
      const r = new HostResolver({ servers: [dns.address], timeoutMs: 300, hostsFile });
      assert.deepEqual(await r.resolve('10.1.2.3'), [{ address: '10.1.2.3', family: 4 }]);
      assert.deepEqual(await r.resolve('[::1]'), [{ address: '::1', family: 6 }]);
      assert.deepEqual(await r.resolve('localhost'), [
        { address: '127.0.0.1', family: 4 },
        { address: '::1', family: 6 },
      ]);
      assert.equal((await r.resolve('api.localhost'))[0].address, '127.0.0.1');
      assert.deepEqual(await r.resolve('Receiver.Internal'), [
        { address: '127.0.0.9', family: 4 },
        { address: '::1', family: 6 },
      ]);
      assert.equal((await r.resolve('alias.internal'))[0].address, '127.0.0.9');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('eight lookups that never answer leave other names, the system resolver and file I/O as fast as before', async () => {
    const r = resolver(8_000);
    const hung = Array.from({ length: 8 }, (_, i) => r.resolve(`hang-${i}.hookway.test`).then(
      () => 'answered',
      (error: unknown) => (error instanceof DnsTimeoutError ? 'timed out' : String(error)),
    ));
    const inFlight = Date.now();
    while (Array.from({ length: 8 }, (_, i) => dns.queries(`hang-${i}.hookway.test`)).some((n) => n === 0)) {
      assert.ok(Date.now() - inFlight < 5_000, 'all eight queries reached the server');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The thread pool has four threads: had the hung names gone through dns.lookup, these would queue.
    const others: [string, () => Promise<unknown>][] = [
      ['another name on the same server', () => r.resolve('healthy.hookway.test')],
      ['dns.lookup of localhost (thread pool)', () => lookup('localhost')],
      ['a file read (thread pool)', () => fs.promises.readFile(__filename)],
    ];
    for (const [what, work] of others) {
      const { ms } = await timed(work);
      assert.ok(ms < 500, `${what} took ${Math.round(ms)} ms with eight hung lookups in flight`);
    }
    assert.deepEqual(await Promise.all(hung), Array<string>(8).fill('timed out'));
  });

  test('an HTTP attempt to a hung name fails as dns_timeout, whether its own resolution or its connector runs out of time', async () => {
    const settings = { allowPrivateNetworks: true, allowedCidrs: [], dnsServers: [dns.address], dnsTimeoutMs: 500 };
    const policy = new DestinationPolicy(settings);
    const http = new Agent({ connect: guardedConnector(policy) });
    try {
      const own = await postWebhook(http, 'http://hang-attempt.hookway.test/hook', {}, '{}', 5_000, policy.resolver);
      assert.equal(own.networkError?.reason, 'dns_timeout');
      assert.match(own.networkError?.message ?? '', /^no DNS answer for hang-attempt\.hookway\.test within 500 ms/);
      assert.ok(own.durationMs < 1_500, `took ${own.durationMs} ms`);
      const bounded = await postWebhook(http, 'http://hang-bounded.hookway.test/hook', {}, '{}', 200, { resolve: (h, ms) => policy.resolver.resolve(h, ms), timeoutMs: 5_000 });
      assert.equal(bounded.networkError?.reason, 'dns_timeout', 'the attempt deadline bounds the resolution');
      assert.match(bounded.networkError?.message ?? '', /within 200 ms/);
      // Alerts send without a resolver of their own: the connector's resolution still reports dns_timeout.
      const viaConnector = await postWebhook(http, 'http://hang-connector.hookway.test/hook', {}, '{}', 5_000);
      assert.equal(viaConnector.networkError?.reason, 'dns_timeout');
    } finally {
      await http.close();
    }
  });
});
