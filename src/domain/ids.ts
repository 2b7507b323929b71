import { randomBytes } from 'node:crypto';

/**
 * A new identifier: prefix, then 12 hex digits of milliseconds (so IDs sort by creation) and 16 random
 * hex digits. Only `[a-z0-9_]`, so it is safe in URLs, workflow IDs and header values.
 */
export function newId(prefix: 'app' | 'ep' | 'msg' | 'dlv' | 'dlq' | 'tok'): string {
  const time = Date.now().toString(16).padStart(12, '0');
  return `${prefix}_${time}${randomBytes(8).toString('hex')}`;
}

/** A new Standard Webhooks signing secret: `whsec_` and base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
