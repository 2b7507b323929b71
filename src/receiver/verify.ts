import { timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors';
import { computeSignature, decodeSecrets, type WebhookSecrets } from './signature';

/**
 * Request headers: Node's `req.headers` (any name case), a plain object, or a fetch `Headers`.
 */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

/** Options of `verifyWebhook`. */
export interface VerifyOptions {
  /**
   * How far `webhook-timestamp` may lie from this machine's clock, in seconds, in either direction.
   * Bounds how long a captured webhook can be replayed. Hookway signs every attempt afresh, so its
   * retries always pass.
   * @default 300
   */
  toleranceSeconds?: number;
}

/** A webhook that passed verification. */
export interface VerifiedWebhook<T = unknown> {
  /** `webhook-id`: the same on every retry of one message; deduplicate on it (see `processOnce`). */
  id: string;
  /** `webhook-timestamp`: when this attempt was signed. */
  timestamp: Date;
  /** The body, parsed as JSON. Typed as the caller expects it; its shape is not checked. */
  payload: T;
}

/** The default of `VerifyOptions.toleranceSeconds`: five minutes, as Standard Webhooks recommends. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

// An HMAC-SHA256 is 32 bytes; a candidate of another length cannot match and timingSafeEqual needs equal lengths.
const SIGNATURE_BYTES = 32;

function isFetchHeaders(headers: WebhookHeaders): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown }).get === 'function';
}

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name)?.trim() || undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    const joined = (typeof value === 'string' ? value : value.join(' ')).trim();
    return joined || undefined;
  }
  return undefined;
}

// Svix sends the same scheme under svix-* names; reading those too lets one receiver take both senders.
function standardHeader(headers: WebhookHeaders, suffix: 'id' | 'timestamp' | 'signature'): string | undefined {
  return readHeader(headers, `webhook-${suffix}`) ?? readHeader(headers, `svix-${suffix}`);
}

/** The `v1` signatures of a `webhook-signature` header; other versions (e.g. asymmetric `v1a`) are skipped. */
function v1Signatures(header: string): Buffer[] {
  const found: Buffer[] = [];
  for (const entry of header.split(/\s+/)) {
    // Node joins a repeated header with ", ", which leaves a trailing comma on all but the last entry.
    const [version, encoded] = entry.replace(/,$/, '').split(',', 2);
    if (version !== 'v1' || !encoded) continue;
    const signature = Buffer.from(encoded, 'base64');
    if (signature.length === SIGNATURE_BYTES) found.push(signature);
  }
  return found;
}

function assertRawBody(rawBody: unknown): asserts rawBody is string | Uint8Array {
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) return;
  // The commonest receiver bug: verifying JSON.stringify(req.body). Re-serialising changes the bytes.
  throw new TypeError('verifyWebhook: rawBody must be the request body exactly as received (a Buffer or string), not parsed JSON');
}

function toleranceOf(options: VerifyOptions): number {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new TypeError('verifyWebhook: options.toleranceSeconds must be a finite number of seconds, 0 or more');
  }
  return tolerance;
}

/**
 * Verifies a Standard Webhooks request (as Hookway and Svix send them) and returns its parsed payload.
 *
 * Checks, in order: the three headers are present; one `v1` signature in `webhook-signature` is the
 * HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{rawBody}` under one of `secrets` (constant-time
 * compare; several secrets for rotation); the timestamp is within `toleranceSeconds` of now, in both
 * directions; the body is JSON. The signature is checked before the timestamp, so a timestamp error
 * always describes a webhook that really came from the sender. `svix-*` headers are read when the
 * `webhook-*` ones are absent.
 *
 * @param rawBody the body exactly as received: a Buffer or string, never re-serialised JSON.
 * @param headers the request headers.
 * @param secrets the endpoint's secret, or several during a rotation (any one may match).
 * @throws WebhookVerificationError with `code` `missing_headers`, `bad_signature`, `timestamp_too_old`,
 *   `timestamp_in_future` or `invalid_payload`.
 * @throws TypeError for a caller mistake: a secret that is not base64, a parsed body, a bad tolerance.
 */
export function verifyWebhook<T = unknown>(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secrets: WebhookSecrets,
  options: VerifyOptions = {},
): VerifiedWebhook<T> {
  assertRawBody(rawBody);
  const keys = decodeSecrets(secrets);
  const tolerance = toleranceOf(options);

  const id = standardHeader(headers, 'id');
  const timestamp = standardHeader(headers, 'timestamp');
  const signatureHeader = standardHeader(headers, 'signature');
  if (!id || !timestamp || !signatureHeader) {
    const missing = [!id && 'webhook-id', !timestamp && 'webhook-timestamp', !signatureHeader && 'webhook-signature'].filter(Boolean);
    throw new WebhookVerificationError('missing_headers', `missing header: ${missing.join(', ')}`);
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new WebhookVerificationError('missing_headers', 'webhook-timestamp must be a Unix time in whole seconds');
  }

  const candidates = v1Signatures(signatureHeader);
  const authentic = keys.some((key) => {
    const expected = computeSignature(key, id, timestamp, rawBody);
    return candidates.some((candidate) => timingSafeEqual(expected, candidate));
  });
  if (!authentic) {
    throw new WebhookVerificationError(
      'bad_signature',
      candidates.length === 0 ? 'webhook-signature holds no v1 signature' : 'no signature matches: wrong secret, or the body or headers were altered',
    );
  }

  const signedAt = Number(timestamp);
  const now = Math.floor(Date.now() / 1000);
  if (now - signedAt > tolerance) {
    throw new WebhookVerificationError('timestamp_too_old', `webhook-timestamp is ${now - signedAt} s old; at most ${tolerance} s is accepted`);
  }
  if (signedAt - now > tolerance) {
    throw new WebhookVerificationError('timestamp_in_future', `webhook-timestamp is ${signedAt - now} s ahead of this clock; at most ${tolerance} s is accepted`);
  }

  let payload: T;
  try {
    payload = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8')) as T;
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'the body is authentic but not JSON');
  }
  return { id, timestamp: new Date(signedAt * 1000), payload };
}
