/**
 * The IANA special-purpose address registries, as data: every entry of iana-ipv4-special-registry and
 * iana-ipv6-special-registry (as of 2025-04, RFC 9780's dummy prefix being the newest), plus the
 * blocks of the IPv4 and IPv6 address-space registries that are not global unicast, and the two
 * IPv4-carrying IPv6 forms that RFCs define outside both registries. The SSRF policy
 * (`ip-ranges.ts`) reads only this table; updating it is updating the data.
 *
 * Registry columns are copied as the registry states them: `true`/`false`, or `null` where it says
 * `N/A` or leaves the cell empty (terminated entries).
 */

/** One row of a registry. */
export interface AddressBlock {
  /** `address/prefix`, as the registry writes it. */
  readonly cidr: string;
  readonly name: string;
  /** The RFC(s) the registry names. */
  readonly rfc: string;
  readonly registry: 'iana-ipv4-special' | 'iana-ipv6-special' | 'iana-ipv4-address-space' | 'iana-ipv6-address-space' | 'rfc';
  /** The registry's "Forwardable" column. */
  readonly forwardable: boolean | null;
  /** The registry's "Globally Reachable" column. */
  readonly globallyReachable: boolean | null;
  /** Termination date of an entry the registry keeps as deprecated. */
  readonly terminated?: string;
  /**
   * Where the block carries an IPv4 address that traffic really goes to: such an address is judged by
   * that IPv4 address (or both, for Teredo), not refused as a whole.
   * - `low32`: the last 32 bits (IPv4-mapped, -translated, -compatible, NAT64 well-known prefix)
   * - `6to4`: bits 16-47
   * - `teredo`: the server in bits 32-63 and the client, bit-inverted, in the last 32 bits
   */
  readonly carries?: 'low32' | '6to4' | 'teredo';
}

type Cells = Pick<AddressBlock, 'forwardable' | 'globallyReachable'>;
const F_F: Cells = { forwardable: false, globallyReachable: false };
const T_F: Cells = { forwardable: true, globallyReachable: false };
const T_T: Cells = { forwardable: true, globallyReachable: true };
const NA: Cells = { forwardable: null, globallyReachable: null };

const v4 = (cidr: string, name: string, rfc: string, cells: Cells, extra: Partial<AddressBlock> = {}): AddressBlock => ({
  cidr,
  name,
  rfc,
  registry: 'iana-ipv4-special',
  ...cells,
  ...extra,
});
const v6 = (cidr: string, name: string, rfc: string, cells: Cells, extra: Partial<AddressBlock> = {}): AddressBlock => ({
  cidr,
  name,
  rfc,
  registry: 'iana-ipv6-special',
  ...cells,
  ...extra,
});

/** iana-ipv4-special-registry, every row (the row of 192.0.0.170 and .171 as two). */
export const IPV4_SPECIAL_REGISTRY: readonly AddressBlock[] = [
  v4('0.0.0.0/8', '"This network"', 'RFC 791, Section 3.2', F_F),
  v4('0.0.0.0/32', '"This host on this network"', 'RFC 1122, Section 3.2.1.3', F_F),
  v4('10.0.0.0/8', 'Private-Use', 'RFC 1918', T_F),
  v4('100.64.0.0/10', 'Shared Address Space', 'RFC 6598', T_F),
  v4('127.0.0.0/8', 'Loopback', 'RFC 1122, Section 3.2.1.3', F_F),
  v4('169.254.0.0/16', 'Link Local', 'RFC 3927', F_F),
  v4('172.16.0.0/12', 'Private-Use', 'RFC 1918', T_F),
  v4('192.0.0.0/24', 'IETF Protocol Assignments', 'RFC 6890, Section 2.1', F_F),
  v4('192.0.0.0/29', 'IPv4 Service Continuity Prefix', 'RFC 7335', T_F),
  v4('192.0.0.8/32', 'IPv4 dummy address', 'RFC 7600', F_F),
  v4('192.0.0.9/32', 'Port Control Protocol Anycast', 'RFC 7723', T_T),
  v4('192.0.0.10/32', 'Traversal Using Relays around NAT Anycast', 'RFC 8155', T_T),
  v4('192.0.0.170/32', 'NAT64/DNS64 Discovery', 'RFC 8880, RFC 7050 Section 2.2', F_F),
  v4('192.0.0.171/32', 'NAT64/DNS64 Discovery', 'RFC 8880, RFC 7050 Section 2.2', F_F),
  v4('192.0.2.0/24', 'Documentation (TEST-NET-1)', 'RFC 5737', F_F),
  v4('192.31.196.0/24', 'AS112-v4', 'RFC 7535', T_T),
  v4('192.52.193.0/24', 'AMT', 'RFC 7450', T_T),
  v4('192.88.99.0/24', 'Deprecated (6to4 Relay Anycast)', 'RFC 7526', NA, { terminated: '2015-03' }),
  v4('192.88.99.2/32', '6a44-relay anycast address', 'RFC 6751', T_F),
  v4('192.168.0.0/16', 'Private-Use', 'RFC 1918', T_F),
  v4('192.175.48.0/24', 'Direct Delegation AS112 Service', 'RFC 7534', T_T),
  v4('198.18.0.0/15', 'Benchmarking', 'RFC 2544', T_F),
  v4('198.51.100.0/24', 'Documentation (TEST-NET-2)', 'RFC 5737', F_F),
  v4('203.0.113.0/24', 'Documentation (TEST-NET-3)', 'RFC 5737', F_F),
  v4('240.0.0.0/4', 'Reserved', 'RFC 1112, Section 4', F_F),
  v4('255.255.255.255/32', 'Limited Broadcast', 'RFC 8190, RFC 919 Section 7', F_F),
];

/** iana-ipv6-special-registry, every row. */
export const IPV6_SPECIAL_REGISTRY: readonly AddressBlock[] = [
  v6('::1/128', 'Loopback Address', 'RFC 4291', F_F),
  v6('::/128', 'Unspecified Address', 'RFC 4291', F_F),
  v6('::ffff:0:0/96', 'IPv4-mapped Address', 'RFC 4291', F_F, { carries: 'low32' }),
  v6('64:ff9b::/96', 'IPv4-IPv6 Translat.', 'RFC 6052', T_T, { carries: 'low32' }),
  // Local-use NAT64: where the IPv4 address sits depends on the operator's prefix length, and the
  // translator is on the local network by definition (RFC 8215).
  v6('64:ff9b:1::/48', 'IPv4-IPv6 Translat.', 'RFC 8215', T_F),
  v6('100::/64', 'Discard-Only Address Block', 'RFC 6666', T_F),
  v6('100:0:0:1::/64', 'Dummy IPv6 Prefix', 'RFC 9780', F_F),
  v6('2001::/23', 'IETF Protocol Assignments', 'RFC 2928', F_F),
  v6('2001::/32', 'TEREDO', 'RFC 4380, RFC 8190', { forwardable: true, globallyReachable: null }, { carries: 'teredo' }),
  v6('2001:1::1/128', 'Port Control Protocol Anycast', 'RFC 7723', T_T),
  v6('2001:1::2/128', 'Traversal Using Relays around NAT Anycast', 'RFC 8155', T_T),
  v6('2001:1::3/128', 'DNS-SD Service Registration Protocol Anycast', 'RFC 9665', T_T),
  v6('2001:2::/48', 'Benchmarking', 'RFC 5180, RFC Errata 1752', T_F),
  v6('2001:3::/32', 'AMT', 'RFC 7450', T_T),
  v6('2001:4:112::/48', 'AS112-v6', 'RFC 7535', T_T),
  v6('2001:10::/28', 'Deprecated (previously ORCHID)', 'RFC 4843', NA, { terminated: '2014-03' }),
  v6('2001:20::/28', 'ORCHIDv2', 'RFC 7343', T_T),
  v6('2001:30::/28', 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', 'RFC 9374', T_T),
  v6('2001:db8::/32', 'Documentation', 'RFC 3849', F_F),
  v6('2002::/16', '6to4', 'RFC 3056', { forwardable: true, globallyReachable: null }, { carries: '6to4' }),
  v6('2620:4f:8000::/48', 'Direct Delegation AS112 Service', 'RFC 7534', T_T),
  v6('3fff::/20', 'Documentation', 'RFC 9637', F_F),
  v6('5f00::/16', 'Segment Routing (SRv6) SIDs', 'RFC 9602', T_F),
  v6('fc00::/7', 'Unique-Local', 'RFC 4193, RFC 8190', T_F),
  v6('fe80::/10', 'Link-Local Unicast', 'RFC 4291', F_F),
];

const space = (registry: 'iana-ipv4-address-space' | 'iana-ipv6-address-space', cidr: string, name: string, rfc: string): AddressBlock => ({
  cidr,
  name,
  rfc,
  registry,
  ...NA,
});
const reservedV6 = (cidr: string, rfc = 'RFC 3513, RFC 4291'): AddressBlock => space('iana-ipv6-address-space', cidr, 'Reserved by IETF', rfc);

/**
 * What the address-space registries set apart from global unicast: IPv4 multicast, and every IPv6
 * block outside 2000::/3 (no webhook receiver has an address there).
 */
export const NOT_GLOBAL_UNICAST: readonly AddressBlock[] = [
  space('iana-ipv4-address-space', '224.0.0.0/4', 'Multicast', 'RFC 5771'),
  reservedV6('::/8'),
  reservedV6('100::/8'),
  reservedV6('200::/7', 'RFC 4048'),
  reservedV6('400::/6'),
  reservedV6('800::/5'),
  reservedV6('1000::/4'),
  reservedV6('4000::/3'),
  reservedV6('6000::/3'),
  reservedV6('8000::/3'),
  reservedV6('a000::/3'),
  reservedV6('c000::/3'),
  reservedV6('e000::/4'),
  reservedV6('f000::/5'),
  reservedV6('f800::/6'),
  space('iana-ipv6-address-space', 'fc00::/7', 'Unique Local Unicast', 'RFC 4193'),
  reservedV6('fe00::/9'),
  space('iana-ipv6-address-space', 'fe80::/10', 'Link-Scoped Unicast', 'RFC 4291'),
  space('iana-ipv6-address-space', 'fec0::/10', 'Reserved by IETF (deprecated site-local)', 'RFC 3879'),
  space('iana-ipv6-address-space', 'ff00::/8', 'Multicast', 'RFC 4291'),
];

/** IPv6 forms that carry an IPv4 address but are in neither special-purpose registry. */
export const IPV4_CARRYING_FORMS: readonly AddressBlock[] = [
  { cidr: '::/96', name: 'IPv4-compatible Address (deprecated)', rfc: 'RFC 4291, Section 2.5.5.1', registry: 'rfc', ...NA, carries: 'low32' },
  { cidr: '::ffff:0:0:0/96', name: 'IPv4-translated Address', rfc: 'RFC 2765, Section 2.1', registry: 'rfc', ...NA, carries: 'low32' },
];

/** Every block the SSRF policy knows, registries first. */
export const ADDRESS_BLOCKS: readonly AddressBlock[] = [
  ...IPV4_SPECIAL_REGISTRY,
  ...IPV6_SPECIAL_REGISTRY,
  ...NOT_GLOBAL_UNICAST,
  ...IPV4_CARRYING_FORMS,
];
