import { BlockList, isIP } from 'node:net';

// Not reachable on the public internet, or not meant to be: where an attacker would aim a webhook
// (cloud metadata, the database next door, the sender itself). IANA special-purpose registries.
const BLOCKED_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const BLOCKED_V6 = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const;

const blocked = new BlockList();
for (const [address, prefix] of BLOCKED_V4) blocked.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of BLOCKED_V6) blocked.addSubnet(address, prefix, 'ipv6');

/** The 16 bytes of an IPv6 address (with `::` and a dotted-quad tail expanded). */
export function ipv6Bytes(address: string): Buffer {
  let text = address.replace(/^\[|\]$/g, '').split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((parts[0] << 8) | parts[1]).toString(16)}:${((parts[2] << 8) | parts[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group || '0', 16), i * 2));
  return bytes;
}

const v4 = (b: Buffer, offset: number): string => `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;

/**
 * The IPv4 address an IPv6 one carries, in the forms that route to it: IPv4-mapped (`::ffff:a.b.c.d`),
 * IPv4-compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002:AABB:CCDD::`).
 */
export function embeddedIpv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  const zeros = (from: number, to: number): boolean => b.subarray(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(b, 12);
  if (zeros(0, 12) && !zeros(12, 16) && !(zeros(12, 15) && b[15] === 1)) return v4(b, 12);
  if (b.readUInt16BE(0) === 0x64 && b.readUInt16BE(2) === 0xff9b && zeros(4, 12)) return v4(b, 12);
  if (b.readUInt16BE(0) === 0x2002) return v4(b, 2);
  return undefined;
}

/**
 * Why `address` (an IP literal) must not be a webhook destination, or undefined when it is a public
 * address. IPv6 forms that embed an IPv4 address are judged by that address.
 */
export function nonPublicReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4') ? `${bare} is a loopback, private, link-local, shared or reserved address` : undefined;
  if (family !== 6) return `${address} is not an IP address`;
  const inner = embeddedIpv4(bare);
  if (inner !== undefined) {
    const reason = nonPublicReason(inner);
    return reason ? `${bare} embeds ${inner}: ${reason}` : undefined;
  }
  return blocked.check(bare, 'ipv6') ? `${bare} is a loopback, private, link-local, multicast or reserved address` : undefined;
}
