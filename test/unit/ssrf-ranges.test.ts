import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nonPublicReason } from '../../src/security/ip-ranges';
import { ADDRESS_BLOCKS, IPV4_SPECIAL_REGISTRY, IPV6_SPECIAL_REGISTRY, type AddressBlock } from '../../src/security/special-purpose-addresses';
import { carrying, neighbour, RANGES, toText } from '../support/address-samples';

// Pure checks over the special-purpose table and the classifier that reads it: no services.

describe('the special-purpose table', () => {
  test('holds every row of both IANA special-purpose registries, with their columns', () => {
    assert.equal(IPV4_SPECIAL_REGISTRY.length, 26, 'IPv4: 25 rows, 192.0.0.170 and .171 as two');
    assert.equal(IPV6_SPECIAL_REGISTRY.length, 25);
    for (const block of [...IPV4_SPECIAL_REGISTRY, ...IPV6_SPECIAL_REGISTRY]) {
      assert.match(block.rfc, /^RFC \d+/, `${block.cidr} names its RFC`);
      assert.ok(block.name.length > 0);
      assert.ok([true, false, null].includes(block.globallyReachable) && [true, false, null].includes(block.forwardable));
    }
    const row = (cidr: string): AddressBlock | undefined => ADDRESS_BLOCKS.find((b) => b.cidr === cidr);
    assert.equal(row('64:ff9b:1::/48')?.globallyReachable, false);
    assert.equal(row('64:ff9b::/96')?.globallyReachable, true);
    assert.equal(row('192.31.196.0/24')?.globallyReachable, true);
    assert.equal(row('2002::/16')?.globallyReachable, null, '6to4 is N/A');
    assert.equal(row('169.254.0.0/16')?.forwardable, false);
  });

  test('every block starts on its prefix boundary', () => {
    for (const { block, first, family } of RANGES) {
      const bits = Number(block.cidr.split('/')[1]);
      const hostBits = BigInt((family === 4 ? 32 : 128) - bits);
      assert.equal(first & ((1n << hostBits) - 1n), 0n, `${block.cidr} has host bits set`);
    }
  });
});

describe('every block of the table is refused, and its nearest unlisted neighbour is not', () => {
  for (const range of RANGES) {
    const { block } = range;
    test(`${block.cidr} ${block.name}`, () => {
      if (block.carries) {
        // Judged by the IPv4 address it carries: refused when that address is, public when it is public.
        for (const inner of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '100.64.0.1', '0.0.0.0', '255.255.255.255', '192.0.0.170']) {
          const address = carrying(block, inner, '8.8.8.8');
          assert.ok(nonPublicReason(address), `${address} (carrying ${inner}) is refused`);
        }
        assert.ok(nonPublicReason(toText(range.first, 6)), 'its first address (carrying 0.0.0.0) is refused');
        assert.ok(nonPublicReason(toText(range.last, 6)), 'its last address (carrying 255.255.255.255) is refused');
        assert.equal(nonPublicReason(carrying(block, '8.8.8.8', '1.1.1.1')), undefined, 'carrying a public address, it passes');
        if (block.carries === 'teredo') assert.ok(nonPublicReason(carrying(block, '8.8.8.8', '10.0.0.1')), 'a private Teredo server is refused');
      } else {
        for (const value of [range.first, range.first + (range.last - range.first) / 2n, range.last]) {
          const address = toText(value, range.family);
          assert.match(nonPublicReason(address) ?? '', /is in .*not a public address|carries/, `${address} is refused`);
        }
      }
      const near = neighbour(range);
      assert.ok(near, `a public address lies near ${block.cidr}`);
      assert.equal(nonPublicReason(near), undefined, `${near}, next to ${block.cidr}, passes`);
    });
  }
});

describe('the forms the issue names', () => {
  test('IPv4-translated and local-use NAT64 forms of internal addresses are refused; public ones pass', () => {
    for (const address of ['::ffff:0:7f00:1', '::ffff:0:127.0.0.1', '::ffff:0:a9fe:a9fe', '64:ff9b:1::a9fe:a9fe', '64:ff9b:1::808:808', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '[::ffff:0:10.0.0.1]']) {
      assert.ok(nonPublicReason(address), `${address} is refused`);
    }
    assert.match(nonPublicReason('64:ff9b:1::a9fe:a9fe') ?? '', /64:ff9b:1::\/48, IPv4-IPv6 Translat\. \(RFC 8215\)/);
    assert.match(nonPublicReason('::ffff:0:a9fe:a9fe') ?? '', /carries 169\.254\.169\.254 \(IPv4-translated Address\).*Link Local/);
    for (const address of ['::ffff:0:808:808', '2606:4700:4700::1111', '1.1.1.1', '2a00:1450:4001::1']) {
      assert.equal(nonPublicReason(address), undefined, `${address} passes`);
    }
  });

  test('what is not an IP address is refused, not crashed on', () => {
    for (const value of ['', 'example.com', '1.2.3', '::g', '999.1.1.1']) assert.ok(nonPublicReason(value));
  });
});
