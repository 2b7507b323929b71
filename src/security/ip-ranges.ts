import { isIP } from 'node:net';
import { ADDRESS_BLOCKS, type AddressBlock } from './special-purpose-addresses';

/** An IP address as a number, with its family (one parse for every block it is compared with). */
interface ParsedAddress {
  family: 4 | 6;
  value: bigint;
}

interface CompiledBlock {
  block: AddressBlock;
  family: 4 | 6;
  bits: number;
  /** The block's first address shifted right by (width - bits): what every member shares. */
  head: bigint;
}

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

function parse(address: string): ParsedAddress | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return { family: 4, value: BigInt(bare.split('.').reduce((n, octet) => n * 256 + Number(octet), 0)) };
  if (family === 6) return { family: 6, value: BigInt(`0x${ipv6Bytes(bare).toString('hex')}`) };
  return undefined;
}

const width = (family: 4 | 6): bigint => (family === 4 ? 32n : 128n);

const COMPILED: readonly CompiledBlock[] = ADDRESS_BLOCKS.map((block) => {
  const [address, bits] = block.cidr.split('/');
  const parsed = parse(address);
  if (!parsed) throw new Error(`special-purpose table: ${block.cidr} is not an address/prefix`);
  return { block, family: parsed.family, bits: Number(bits), head: parsed.value >> (width(parsed.family) - BigInt(bits)) };
});

/** The most specific block of the table that holds `address` (an IP literal), or undefined. */
export function addressBlockOf(address: string): AddressBlock | undefined {
  const parsed = parse(address);
  if (!parsed) return undefined;
  let best: CompiledBlock | undefined;
  for (const compiled of COMPILED) {
    if (compiled.family !== parsed.family || (best && best.bits >= compiled.bits)) continue;
    if (parsed.value >> (width(parsed.family) - BigInt(compiled.bits)) === compiled.head) best = compiled;
  }
  return best?.block;
}

const dotted = (b: Buffer, offset: number, invert = false): string =>
  Array.from(b.subarray(offset, offset + 4), (x) => (invert ? x ^ 0xff : x)).join('.');

/** The IPv4 addresses traffic to `address` really goes to, per the form its block defines. */
function carriedIpv4(address: string, form: NonNullable<AddressBlock['carries']>): string[] {
  const b = ipv6Bytes(address);
  if (form === 'low32') return [dotted(b, 12)];
  if (form === '6to4') return [dotted(b, 2)];
  return [dotted(b, 4), dotted(b, 12, true)];
}

/**
 * Why `address` (an IP literal) must not be a webhook destination, or undefined when it is a public
 * address. Every block of the IANA special-purpose registries is refused, those the registry calls
 * globally reachable too (anycast services: no webhook receiver lives there), as is everything outside
 * global unicast; IPv6 forms that carry an IPv4 address are judged by that address.
 */
export function nonPublicReason(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!isIP(bare)) return `${address} is not an IP address`;
  const block = addressBlockOf(bare);
  if (!block) return undefined;
  if (block.carries) {
    for (const inner of carriedIpv4(bare, block.carries)) {
      const reason = nonPublicReason(inner);
      if (reason) return `${bare} carries ${inner} (${block.name}): ${reason}`;
    }
    return undefined;
  }
  return `${bare} is in ${block.cidr}, ${block.name} (${block.rfc}), not a public address`;
}
