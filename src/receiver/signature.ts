import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
// Standard base64, padding optional: what Standard Webhooks secrets are made of. Buffer.from(..., 'base64')
// alone would silently skip stray characters and verify against a different key than the one configured.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** One or several signing secrets: `whsec_` + base64 (as Hookway and Svix show them) or the bare base64. */
export type WebhookSecrets = string | readonly string[];

/**
 * Decodes every secret into its HMAC key. Throws a TypeError (a configuration mistake, never a verdict
 * on a webhook) when the list is empty or a secret is not base64; the message never contains the secret.
 */
export function decodeSecrets(secrets: WebhookSecrets): Buffer[] {
  const list = typeof secrets === 'string' ? [secrets] : [...secrets];
  if (list.length === 0) throw new TypeError('webhook secrets: give at least one secret');
  return list.map((secret, index) => {
    if (typeof secret !== 'string') throw new TypeError(`webhook secrets[${index}] must be a string`);
    const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
    if (!BASE64.test(encoded)) throw new TypeError(`webhook secrets[${index}] must be "whsec_" followed by base64`);
    return Buffer.from(encoded, 'base64');
  });
}

/**
 * The raw HMAC-SHA256 that a `v1` signature is the base64 of: over `{id}.{timestamp}.{body}`, where the
 * body is hashed as the bytes received (never re-serialised) and the timestamp as the header spells it.
 */
export function computeSignature(key: Buffer, id: string, timestamp: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}
