import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nonPublicReason } from '../src/security/ip-ranges';
import type { DeliveryView } from '../src/api/deliveries/deliveries.controller';
import type { EndpointView } from '../src/api/endpoints/endpoint.view';
import { RANGES, refusedSamples, toBig } from './support/address-samples';
import { startDnsServer, type TestDnsServer } from './support/dns-server';
import { eventually } from './support/eventually';
import { startReceiver, type TestReceiver } from './support/receiver';
import { fastRetries, Scenario } from './support/scenario';
import { startTestHookway, type TestHookway } from './support/test-hookway';

const STRICT = { HOOKWAY_ALLOW_PRIVATE_NETWORKS: 'false' };
// Documentation-free public address that names resolve to before they are rebound; nothing is sent to it.
const PUBLIC = '93.184.216.34';

/** How a URL names `address`. */
const hostOf = (address: string): string => (address.includes(':') ? `[${address}]` : address);

describe('outbound requests never reach private networks (SSRF)', () => {
  let strict: TestHookway;
  let receiver: TestReceiver;
  let dns: TestDnsServer;

  before(async () => {
    dns = await startDnsServer();
    strict = await startTestHookway({ ...STRICT, HOOKWAY_DNS_SERVERS: dns.address });
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await strict.stop();
    await strict.dropDatabase();
    await dns.close();
  });

  test('registration refuses every special-purpose block, as a literal and as a name resolving to it', async () => {
    let checked = 0;
    for (const [i, range] of RANGES.entries()) {
      const samples = refusedSamples(range);
      for (const address of samples) {
        const answer = await strict.api('POST', '/v1/endpoints', { url: `http://${hostOf(address)}/hook` });
        assert.equal(answer.status, 400, `${address} (${range.block.cidr}) is refused: ${JSON.stringify(answer.body)}`);
        assert.equal(answer.body.error?.field, 'url');
        checked += 1;
      }
      const name = `block-${i}.ssrf.test`;
      const address = samples[1];
      dns.set(name, address.includes(':') ? { aaaa: [address] } : { a: [address] });
      const answer = await strict.api('POST', '/v1/endpoints', { url: `https://${name}/hook` });
      assert.equal(answer.status, 400, `${name} -> ${address} (${range.block.cidr}) is refused`);
      assert.equal(answer.body.error?.field, 'url');
      assert.match(answer.body.error?.message ?? '', new RegExp(`^url is not allowed: destination refused: ${name.replace(/\./g, '\\.')} resolves to `));
    }
    assert.ok(checked >= 3 * RANGES.length);
  });

  test('a name rebound to any special-purpose block after registration is refused at connect time', async () => {
    // Every name resolves publicly at registration, then to an address of its block: one message fans out
    // to one endpoint per block, and the worker must refuse every one of them on the answer it gets.
    const names = RANGES.map((range, i) => ({ name: `rebind-${i}.ssrf.test`, address: refusedSamples(range)[1], cidr: range.block.cidr }));
    for (const { name } of names) dns.set(name, { a: [PUBLIC], ttl: 1 });
    const endpointIds: string[] = [];
    for (const { name } of names) {
      const created = await strict.api<EndpointView>('POST', '/v1/endpoints', { url: `http://${name}/hook`, eventTypes: ['ssrf.rebind.table'], retryPolicy: fastRetries(3) });
      assert.equal(created.status, 201, `${name} resolved publicly at registration`);
      endpointIds.push(created.body.id);
    }
    for (const { name, address } of names) dns.set(name, address.includes(':') ? { aaaa: [address], ttl: 1 } : { a: [address], ttl: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const message = await new Scenario(strict).send('ssrf.rebind.table');
    assert.equal(message.deliveries.length, names.length);
    const byEndpoint = new Map(message.deliveries.map((d) => [d.endpointId, d.id]));
    const scenario = new Scenario(strict);
    await Promise.all(
      names.map(async ({ name, address, cidr }, i) => {
        const id = byEndpoint.get(endpointIds[i]) ?? '';
        const delivery = await eventually(() => scenario.delivery(id), (d) => d.status === 'dead_lettered', 60_000, 500);
        assert.equal(delivery.attempts.length, 1, `${cidr}: refused at once, not retried`);
        const error = delivery.attempts[0].error ?? '';
        const resolved = new RegExp(`^destination_blocked: destination refused: ${name.replace(/\./g, '\\.')} resolves to (\\S+): `).exec(error)?.[1];
        assert.ok(resolved && toBig(resolved) === toBig(address), `${cidr}: refused on ${address}, got "${error}"`);
      }),
    );
  });

  test('loopback, private, link-local, CGNAT, multicast, reserved and IPv6 forms embedding them are not public', () => {
    for (const address of [
      '127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
      '255.255.255.255', '198.18.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::7f00:1', '64:ff9b::10.0.0.1', '2002:7f00:1::1',
      '2002:c0a8:101::', '::127.0.0.1', '2001:db8::1', '::ffff:0:a9fe:a9fe', '64:ff9b:1::a9fe:a9fe',
    ]) {
      assert.ok(nonPublicReason(address), `${address} is refused`);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1']) {
      assert.equal(nonPublicReason(address), undefined, `${address} is public`);
    }
  });

  test('registration refuses URLs that name or resolve to such addresses, however they are encoded', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://127.1/hook',
      'http://0x7f.1/hook',
      'http://2130706433/hook',
      'http://017700000001/hook',
      'http://[::1]/hook',
      'http://[::ffff:7f00:1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/hook',
      'http://100.100.100.200/hook',
      'http://localhost:3000/hook',
      'http://[64:ff9b::a9fe:a9fe]/hook',
      'http://[64:ff9b:1::a9fe:a9fe]/hook',
      'http://[::ffff:0:a9fe:a9fe]/hook',
      'http://[::ffff:0:127.0.0.1]/hook',
    ]) {
      const answer = await strict.api('POST', '/v1/endpoints', { url });
      assert.equal(answer.status, 400, `${url} is refused`);
      assert.equal(answer.body.error?.field, 'url');
      assert.match(answer.body.error?.message ?? '', /not allowed/);
    }
    // A documentation-range-free public literal is accepted. It is disabled at once and subscribed to a
    // type nobody sends, and deleted: tests never send traffic off this machine.
    const endpoint = await strict.api('POST', '/v1/endpoints', { url: 'https://93.184.216.34/hook', eventTypes: ['ssrf.never.sent'] });
    assert.equal(endpoint.status, 201, 'a public address is accepted');
    const id = (endpoint.body as { id: string }).id;
    assert.equal((await strict.api('PATCH', `/v1/endpoints/${id}`, { disabled: true })).status, 200);
    const patched = await strict.api('PATCH', `/v1/endpoints/${id}`, { url: 'http://127.0.0.1/x' });
    assert.equal(patched.status, 400, 'a PATCH cannot point it inward either');
    assert.equal((await strict.api('DELETE', `/v1/endpoints/${id}`)).status, 204);
  });

  test('the connect-time check blocks what slipped past registration, without sending anything', async () => {
    // An endpoint registered where private networks are allowed, delivered by a worker where they are not:
    // the same situation as a hostname that resolved publicly at registration and privately later.
    const lenientApi = await startTestHookway(
      { DATABASE_URL: strict.config.database.url, HOOKWAY_TASK_QUEUE: strict.config.temporal.taskQueue, HOOKWAY_ALLOW_PRIVATE_NETWORKS: 'true' },
      { api: true, worker: false },
    );
    try {
      const scenario = new Scenario(lenientApi);
      await scenario.endpoint({ url: receiver.url, eventTypes: ['ssrf.rebind'], retryPolicy: fastRetries(5) });
      const message = await scenario.send('ssrf.rebind');
      const delivery: DeliveryView = await scenario.settled(message, 'dead_lettered');
      assert.equal(delivery.attempts.length, 1, 'refused at once, not retried');
      assert.match(delivery.attempts[0].error ?? '', /^destination_blocked: destination refused: 127\.0\.0\.1/);
      assert.equal(receiver.requests.length, 0, 'nothing reached the private receiver');
    } finally {
      await lenientApi.stop();
    }
  });

  test('HOOKWAY_ALLOWED_CIDRS lets chosen private ranges through', async () => {
    const allowlisted = await startTestHookway({ ...STRICT, HOOKWAY_ALLOWED_CIDRS: '127.0.0.0/8' });
    try {
      const scenario = new Scenario(allowlisted);
      await scenario.endpoint({ url: receiver.url, eventTypes: ['ssrf.allowed'] });
      await scenario.settled(await scenario.send('ssrf.allowed'), 'succeeded');
      assert.equal((await allowlisted.api('POST', '/v1/endpoints', { url: 'http://10.0.0.1/x' })).status, 400, 'other ranges stay refused');
    } finally {
      await allowlisted.stop();
      await allowlisted.dropDatabase();
    }
  });
});
