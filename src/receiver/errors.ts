/**
 * Why a webhook was refused. Stable strings a user can search for and branch on:
 * - `missing_headers`: `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or malformed
 *   (a timestamp that is not whole Unix seconds, a signature list with nothing in it).
 * - `bad_signature`: no `v1` signature in the header matches any of the secrets. Forged, tampered with
 *   (a body re-serialised on the way counts), or signed with a secret this receiver does not have.
 * - `timestamp_too_old`: authentic, but signed longer ago than the tolerance: a replay, or a badly slow clock.
 * - `timestamp_in_future`: authentic, but dated later than now plus the tolerance: a clock far ahead.
 * - `invalid_payload`: authentic and fresh, but the body is not JSON.
 */
export type WebhookVerificationErrorCode =
  | 'missing_headers'
  | 'bad_signature'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'invalid_payload';

// One place decides the HTTP answer, so every adapter refuses the same webhook the same way. A forgery is
// an authentication failure (401); the rest are requests a genuine sender got wrong (400). Never 5xx:
// a sender retries 5xx, and retrying a refused webhook cannot make it pass.
const HTTP_STATUS: Record<WebhookVerificationErrorCode, 400 | 401> = {
  missing_headers: 400,
  bad_signature: 401,
  timestamp_too_old: 400,
  timestamp_in_future: 400,
  invalid_payload: 400,
};

/** A webhook that must not be processed, and why. Thrown by `verifyWebhook`. */
export class WebhookVerificationError extends Error {
  /** The answer the adapters give: 401 for `bad_signature`, 400 for every other code. */
  readonly httpStatus: 400 | 401;

  constructor(
    /** Why the webhook was refused. */
    readonly code: WebhookVerificationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.httpStatus = HTTP_STATUS[code];
  }
}

/** The JSON body the adapters answer a refused webhook with; the same shape as Hookway's API errors. */
export interface WebhookErrorBody {
  error: { code: WebhookVerificationErrorCode | 'payload_too_large' | 'request_aborted'; message: string };
}

/** The status and body an adapter answers `error` with. */
export function describeVerificationError(error: WebhookVerificationError): { status: 400 | 401; body: WebhookErrorBody } {
  return { status: error.httpStatus, body: { error: { code: error.code, message: error.message } } };
}
