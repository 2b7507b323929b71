import { isIP } from 'node:net';
import { ipv6Bytes } from '../../src/security/ip-ranges';
import { ADDRESS_BLOCKS, type AddressBlock } from '../../src/security/special-purpose-addresses';

/** A block of the special-purpose table as numbers. */
export interface NumericRange {
  block: AddressBlock;
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

/** `address` as a number. */
export function toBig(address: string): bigint {
  return isIP(address) === 4 ? BigInt(address.split('.').reduce((n, o) => n * 256 + Number(o), 0)) : BigInt(`0x${ipv6Bytes(address).toString('hex')}`);
}

/** The address `value` stands for, in the family's usual text (IPv6 uncompressed). */
export function toText(value: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  const hex = value.toString(16).padStart(32, '0');
  return (hex.match(/.{4}/g) ?? []).map((group) => group.replace(/^0+(?=.)/, '')).join(':');
}

/** Every block of the table, with its first and last address. */
export const RANGES: readonly NumericRange[] = ADDRESS_BLOCKS.map((block) => {
  const [address, bits] = block.cidr.split('/');
  const family = isIP(address) === 4 ? 4 : 6;
  const hostBits = BigInt((family === 4 ? 32 : 128) - Number(bits));
  const first = toBig(address);
  return { block, family, first, last: first + (1n << hostBits) - 1n };
});

/** The IPv6 address of a carrying `block` that carries `v4` (and, for Teredo, the server `server`). */
export function carrying(block: AddressBlock, v4: string, server = '8.8.8.8'): string {
  const base = ipv6Bytes(block.cidr.split('/')[0]);
  const octets = Buffer.from(v4.split('.').map(Number));
  if (block.carries === '6to4') octets.copy(base, 2);
  else if (block.carries === 'teredo') {
    Buffer.from(server.split('.').map(Number)).copy(base, 4);
    Buffer.from(octets.map((x) => x ^ 0xff)).copy(base, 12);
  } else octets.copy(base, 12);
  return toText(BigInt(`0x${base.toString('hex')}`), 6);
}

/**
 * Addresses of `range` the SSRF policy must refuse: its first, middle and last address, or, for a block
 * judged by the IPv4 address it carries, its first and last and forms carrying loopback and metadata.
 */
export function refusedSamples(range: NumericRange): string[] {
  const ends = [toText(range.first, range.family), toText(range.last, range.family)];
  if (range.block.carries) return [...ends, carrying(range.block, '127.0.0.1'), carrying(range.block, '169.254.169.254')];
  return [ends[0], toText(range.first + (range.last - range.first) / 2n, range.family), ends[1]];
}

const MAX = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/**
 * The nearest address beyond `range` that no block of the table holds, found from the data alone (not
 * from the classifier): step out of the range, and out of every block the step lands in.
 */
export function neighbour(range: NumericRange): string | undefined {
  for (const direction of [1n, -1n]) {
    let candidate = direction > 0n ? range.last + 1n : range.first - 1n;
    for (let hops = 0; hops < 64 && candidate >= 0n && candidate <= MAX[range.family]; hops += 1) {
      const holders = RANGES.filter((r) => r.family === range.family && r.first <= candidate && candidate <= r.last);
      if (holders.length === 0) return toText(candidate, range.family);
      candidate =
        direction > 0n
          ? holders.reduce((end, h) => (h.last > end ? h.last : end), candidate) + 1n
          : holders.reduce((start, h) => (h.first < start ? h.first : start), candidate) - 1n;
    }
  }
  return undefined;
}
