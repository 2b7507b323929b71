import { BlockList, isIP } from 'node:net';
import type { SecuritySettings } from '../config';
import { HostResolver } from './host-resolver';
import type { ResolvedAddress } from './resolved-address';
import { nonPublicReason } from './ip-ranges';

/** A destination the policy refuses; `code` lets the attempt classifier recognise it. */
export class DestinationBlockedError extends Error {
  readonly code = 'EDESTINATIONBLOCKED';
  constructor(reason: string) {
    super(`destination refused: ${reason} (set HOOKWAY_ALLOWED_CIDRS or HOOKWAY_ALLOW_PRIVATE_NETWORKS to allow it)`);
    this.name = 'DestinationBlockedError';
  }
}

/** The settings the policy and its resolver read. */
export type DestinationSettings = Pick<SecuritySettings, 'allowPrivateNetworks' | 'allowedCidrs' | 'dnsServers' | 'dnsTimeoutMs'>;

/**
 * Where Hookway may send: public addresses only, unless private networks are allowed outright or the
 * address is in an allowed CIDR. Checked at registration (the URL's literal or resolved addresses) and
 * again at connect time on the address actually connected to, so DNS rebinding gains nothing.
 */
export class DestinationPolicy {
  private readonly allowed = new BlockList();
  /** Resolves host names off the libuv thread pool, with a deadline and a TTL cache. */
  readonly resolver: HostResolver;

  constructor(
    private readonly options: DestinationSettings,
    resolver?: HostResolver,
  ) {
    for (const cidr of options.allowedCidrs) {
      const [address, prefix] = cidr.split('/');
      this.allowed.addSubnet(address, Number(prefix), isIP(address) === 4 ? 'ipv4' : 'ipv6');
    }
    this.resolver = resolver ?? new HostResolver({ servers: options.dnsServers, timeoutMs: options.dnsTimeoutMs });
  }

  /** Every address is allowed (development, tests). */
  get allowsAll(): boolean {
    return this.options.allowPrivateNetworks;
  }

  /** Why this IP is refused, or undefined when it may be connected to. */
  refusal(address: string): string | undefined {
    if (this.allowsAll) return undefined;
    const bare = address.replace(/^\[|\]$/g, '');
    if (isIP(bare) && this.allowed.check(bare, isIP(bare) === 4 ? 'ipv4' : 'ipv6')) return undefined;
    return nonPublicReason(bare);
  }

  /**
   * Resolves `hostname` (or takes the literal) and returns the address to connect to.
   * @throws DestinationBlockedError when any of its addresses is refused (one bad answer is enough to
   *   suspect rebinding).
   * @throws DnsTimeoutError or DnsLookupError when it does not resolve.
   */
  async resolve(hostname: string, timeoutMs?: number): Promise<ResolvedAddress> {
    const bare = hostname.replace(/^\[|\]$/g, '');
    const addresses = await this.resolver.resolve(bare, timeoutMs);
    for (const { address } of addresses) {
      const reason = this.refusal(address);
      if (reason) throw new DestinationBlockedError(isIP(bare) ? reason : `${bare} resolves to ${address}: ${reason}`);
    }
    return addresses[0];
  }

  /**
   * Why an endpoint URL is refused at registration, or undefined. A host that does not resolve now is
   * accepted: the connect-time check still applies to whatever it resolves to later.
   */
  async urlRefusal(url: string): Promise<string | undefined> {
    if (this.allowsAll) return undefined;
    try {
      await this.resolve(new URL(url).hostname);
      return undefined;
    } catch (error) {
      if (error instanceof DestinationBlockedError) return error.message;
      return undefined;
    }
  }
}
