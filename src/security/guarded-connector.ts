import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import type { DestinationPolicy } from './destination-policy';

/**
 * An undici connector that resolves the host itself (through the policy's resolver: off the libuv
 * thread pool, with a deadline), checks every address against the policy, and then connects to the
 * checked address (TLS still verifies the original name through SNI). Nothing can swap the address
 * between the check and the connection. A policy that allows everything still resolves this way.
 */
export function guardedConnector(policy: DestinationPolicy, timeoutMs = 10_000): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs });
  return (options, callback) => {
    const hostname = options.hostname.replace(/^\[|\]$/g, '');
    policy.resolve(hostname).then(
      ({ address }) =>
        connect({ ...options, hostname: address, servername: options.servername ?? (isIP(hostname) ? undefined : hostname) }, callback),
      (error: Error) => callback(error, null),
    );
  };
}
