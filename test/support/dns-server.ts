import dgram from 'node:dgram';
import { ipv6Bytes } from '../../src/security/ip-ranges';

/** What a name answers: its A and AAAA records, and their TTL in seconds. */
export interface DnsRecords {
  a?: string[];
  aaaa?: string[];
  ttl?: number;
}

/** A DNS server on 127.0.0.1 (UDP) for tests. */
export interface TestDnsServer {
  /** `127.0.0.1:<port>`, for `HOOKWAY_DNS_SERVERS`. */
  address: string;
  /** Sets (or replaces) a name's records. */
  set(name: string, records: DnsRecords): void;
  /** Queries this server has read, per name (dropped ones included). */
  queries(name: string): number;
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

function encodeAnswer(type: number, address: string, ttl: number): Buffer {
  const rdata = type === TYPE_A ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4); // class IN
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

/**
 * Starts a real DNS server on 127.0.0.1 that answers A and AAAA queries from its table, answers NXDOMAIN
 * for other names, and reads and drops every query for a name `hangs` accepts: to the resolver, a server
 * that never answers.
 */
export async function startDnsServer(
  table: Record<string, DnsRecords> = {},
  hangs: (name: string) => boolean = () => false,
): Promise<TestDnsServer> {
  const records = new Map(Object.entries(table).map(([name, r]) => [name.toLowerCase(), r]));
  const seen = new Map<string, number>();
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, peer) => {
    if (query.length < 17) return;
    const labels: string[] = [];
    let offset = 12;
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset];
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('latin1'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    if (questionEnd > query.length) return;
    const type = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    seen.set(name, (seen.get(name) ?? 0) + 1);
    if (hangs(name)) return;
    const entry = records.get(name);
    const addresses = !entry ? [] : type === TYPE_A ? (entry.a ?? []) : type === TYPE_AAAA ? (entry.aaaa ?? []) : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0);
    // QR, AA, the query's RD, RA; NXDOMAIN for names the table does not hold.
    header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | (entry ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const answers = addresses.map((address) => encodeAnswer(type, address, entry?.ttl ?? 60));
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    set: (name, r) => records.set(name.toLowerCase(), r),
    queries: (name) => seen.get(name.toLowerCase()) ?? 0,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
