import { readBool, readCidrs, readDnsServers, readDuration, readInt, readKey, readOptional, type Env } from './env';

/** Who may call the API, where deliveries may connect, and how secrets are kept. */
export interface SecuritySettings {
  /** `HOOKWAY_API_TOKEN`: bearer token every `/v1` request must carry. `npm start` generates one when unset. */
  apiToken: string | undefined;
  /** `HOOKWAY_INSECURE_NO_AUTH`: `true` runs the API without a token (development only; logged loudly). @default false */
  insecureNoAuth: boolean;
  /** `HOOKWAY_ALLOW_PRIVATE_NETWORKS`: deliver to loopback/private/link-local addresses. @default false (true under `npm start`) */
  allowPrivateNetworks: boolean;
  /** `HOOKWAY_ALLOWED_CIDRS`: comma-separated ranges delivered to even though they are private. @default none */
  allowedCidrs: string[];
  /** `HOOKWAY_DNS_SERVERS`: comma-separated DNS servers (`ip` or `ip:port`, `[ipv6]:port`) that resolve endpoint hosts. @default the system's (/etc/resolv.conf) */
  dnsServers: string[] | undefined;
  /** `HOOKWAY_DNS_TIMEOUT_MS`: deadline of one host-name resolution, within the attempt's own `timeoutMs`. @default 5000 */
  dnsTimeoutMs: number;
  /** `HOOKWAY_ENCRYPTION_KEY`: base64 of 32 bytes encrypting endpoint secrets and headers at rest. @default generated in the data dir */
  encryptionKey: Buffer | undefined;
  /** `HOOKWAY_SECRET_ROTATION_OVERLAP`: how long the old secret keeps signing after a rotation. @default 24h */
  secretRotationOverlapMs: number;
}

/** Reads {@link SecuritySettings}; `development` (npm start) allows private networks by default. */
export function readSecuritySettings(env: Env, development: boolean): SecuritySettings {
  return {
    apiToken: readOptional(env, 'HOOKWAY_API_TOKEN'),
    insecureNoAuth: readBool(env, 'HOOKWAY_INSECURE_NO_AUTH', false),
    // npm start is for development, where receivers on this machine are the point; servers default safe.
    allowPrivateNetworks: readBool(env, 'HOOKWAY_ALLOW_PRIVATE_NETWORKS', development),
    allowedCidrs: readCidrs(env, 'HOOKWAY_ALLOWED_CIDRS'),
    dnsServers: readDnsServers(env, 'HOOKWAY_DNS_SERVERS'),
    dnsTimeoutMs: readInt(env, 'HOOKWAY_DNS_TIMEOUT_MS', 5_000, 100, 60_000),
    encryptionKey: readKey(env, 'HOOKWAY_ENCRYPTION_KEY'),
    secretRotationOverlapMs: readDuration(env, 'HOOKWAY_SECRET_ROTATION_OVERLAP', 86_400_000, 0),
  };
}
