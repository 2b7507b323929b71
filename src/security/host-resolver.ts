import { promises as dns, type RecordWithTtl } from 'node:dns';
import { isIP } from 'node:net';
import { readHostsFile } from './hosts-file';
import type { ResolvedAddress } from './resolved-address';


/** No DNS answer within the deadline; `code` lets the attempt classifier report `dns_timeout`. */
export class DnsTimeoutError extends Error {
  readonly code = 'EDNSTIMEOUT';
  constructor(
    readonly hostname: string,
    readonly timeoutMs: number,
  ) {
    super(`no DNS answer for ${hostname} within ${timeoutMs} ms`);
    this.name = 'DnsTimeoutError';
  }
}

/** DNS answered, but with no address (NXDOMAIN, no A/AAAA records, a server failure). */
export class DnsLookupError extends Error {
  // The code the system resolver gives a name that does not resolve, so classifiers already know it.
  readonly code = 'ENOTFOUND';
  constructor(
    readonly hostname: string,
    readonly dnsCode: string,
  ) {
    super(`${hostname} did not resolve (${dnsCode})`);
    this.name = 'DnsLookupError';
  }
}

/** How a {@link HostResolver} asks. */
export interface HostResolverOptions {
  /** `host` or `host:port` of DNS servers; undefined uses the system's (/etc/resolv.conf). */
  servers?: readonly string[];
  /** Default deadline of one resolution. */
  timeoutMs: number;
  /** Hosts file read once at construction. @default "/etc/hosts" */
  hostsFile?: string;
}

// Answers are kept for their TTL, within these bounds: at least long enough that the attempt's own
// resolution and its connector's share one query, at most what a changed record may stay unseen.
const MIN_TTL_MS = 1_000;
const MAX_TTL_MS = 300_000;
const MAX_CACHED_NAMES = 10_000;
// Once one family answered, the other gets this long (RFC 8305's resolution delay) before it is dropped.
const OTHER_FAMILY_GRACE_MS = 50;
// Between a query that gave up before the caller's deadline and the next one.
const RETRY_PAUSE_MS = 50;
const LOCALHOST: readonly ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

interface CacheEntry {
  addresses: readonly ResolvedAddress[];
  expiresAt: number;
}

type Answer = { addresses: ResolvedAddress[]; ttlMs: number };

/**
 * Resolves host names with c-ares (`dns.promises.Resolver`, A and AAAA), never with `dns.lookup`: the
 * system resolver runs on libuv's four-thread pool, where four names whose DNS never answers stall every
 * other lookup and file operation of the process, PostgreSQL connections included. Every resolution has a
 * deadline; answers are cached for their TTL; concurrent resolutions of one name share a query. IP
 * literals, `localhost` and names in the hosts file are answered without DNS.
 */
export class HostResolver {
  private readonly resolver: dns.Resolver;
  private readonly hosts: ReadonlyMap<string, readonly ResolvedAddress[]>;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<Answer>>();

  constructor(private readonly options: HostResolverOptions) {
    // c-ares backs off between tries; our own timer, not its settings, enforces the deadline.
    this.resolver = new dns.Resolver({ timeout: Math.max(50, Math.ceil(options.timeoutMs / 3)), tries: 2 });
    if (options.servers?.length) this.resolver.setServers([...options.servers]);
    this.hosts = readHostsFile(options.hostsFile ?? '/etc/hosts');
  }

  /** The default deadline of {@link resolve}. */
  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  /**
   * The addresses of `hostname`, IPv4 first.
   * @throws DnsTimeoutError when no answer came within `timeoutMs`.
   * @throws DnsLookupError when DNS answered without an address.
   */
  async resolve(hostname: string, timeoutMs = this.options.timeoutMs): Promise<readonly ResolvedAddress[]> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    const family = isIP(bare);
    if (family === 4 || family === 6) return [{ address: bare, family }];
    const name = bare.toLowerCase().replace(/\.$/, '');
    const local = this.hosts.get(name);
    if (local) return local;
    if (name === 'localhost' || name.endsWith('.localhost')) return LOCALHOST;
    const cached = this.cache.get(name);
    if (cached && cached.expiresAt > Date.now()) return cached.addresses;
    // c-ares's own tries can give up before the deadline (its backoff varies by version and is randomised),
    // and a query shared with an earlier caller ends on that caller's clock: ask again until ours.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const timedOut = new DnsTimeoutError(name, timeoutMs);
      const query = this.shared(name);
      try {
        return (await withDeadline(query, deadline - Date.now(), () => timedOut)).addresses;
      } catch (error) {
        if (error === timedOut || !(error instanceof DnsTimeoutError) || Date.now() >= deadline) {
          throw error instanceof DnsTimeoutError ? timedOut : error;
        }
        if (this.inflight.get(name) === query) this.inflight.delete(name);
        // A server that times out at once must not turn this into a busy loop.
        await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_PAUSE_MS, Math.max(0, deadline - Date.now()))));
      }
    }
  }

  /** The query in flight for `name`, or a new one. */
  private shared(name: string): Promise<Answer> {
    let query = this.inflight.get(name);
    if (!query) {
      const started = this.query(name).then((answer) => {
        this.remember(name, answer);
        return answer;
      });
      const forget = (): void => {
        this.inflight.delete(name);
      };
      started.then(forget, forget);
      this.inflight.set(name, started);
      query = started;
    }
    return query;
  }

  /** Abandons every query still waiting for DNS (at shutdown: a hung one would hold the process). */
  close(): void {
    this.resolver.cancel();
  }

  private remember(name: string, answer: Answer): void {
    if (this.cache.size >= MAX_CACHED_NAMES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.delete(name);
    this.cache.set(name, { addresses: answer.addresses, expiresAt: Date.now() + answer.ttlMs });
  }

  private query(name: string): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const answers: { 4?: RecordWithTtl[]; 6?: RecordWithTtl[] } = {};
      const errors: string[] = [];
      let pending = 2;
      let grace: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearTimeout(grace);
        const records = [...(answers[4] ?? []).map((r) => ({ ...r, family: 4 as const })), ...(answers[6] ?? []).map((r) => ({ ...r, family: 6 as const }))];
        if (records.length > 0) {
          const ttl = Math.min(...records.map((r) => r.ttl)) * 1000;
          resolve({ addresses: records.map(({ address, family }) => ({ address, family })), ttlMs: Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, ttl)) });
        } else if (errors.includes('ETIMEOUT')) {
          reject(new DnsTimeoutError(name, this.options.timeoutMs));
        } else {
          reject(new DnsLookupError(name, errors.find((code) => code !== 'ENODATA') ?? 'ENODATA'));
        }
      };
      const ask = (family: 4 | 6): void => {
        const lookup = family === 4 ? this.resolver.resolve4(name, { ttl: true }) : this.resolver.resolve6(name, { ttl: true });
        lookup
          .then(
            (records) => {
              answers[family] = records;
            },
            (error: NodeJS.ErrnoException) => {
              errors.push(error.code ?? 'EUNKNOWN');
            },
          )
          .finally(() => {
            pending -= 1;
            if (pending === 0) finish();
            else if (answers[family]?.length) grace = setTimeout(finish, OTHER_FAMILY_GRACE_MS).unref();
          });
      };
      ask(4);
      ask(6);
    });
  }
}

/** `promise`, or `onTimeout()`'s error after `ms`; the timer never outlives the answer. */
function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
