import { DEFAULT_BODY_LIMIT_BYTES } from './raw-body';
import { decodeSecrets, type WebhookSecrets } from './signature';
import type { VerifyOptions } from './verify';

/** Options of `webhookMiddleware` and of the NestJS `WebhookGuard`. */
export interface WebhookReceiverOptions extends VerifyOptions {
  /** The endpoint's `whsec_` secret, or several during a rotation. */
  secret: WebhookSecrets;
  /** Largest body accepted, in bytes; a larger one is answered 413 without being verified. @default 1048576 */
  limitBytes?: number;
}

/**
 * Checks options once, at set-up, so a wrong secret stops the app at start instead of refusing every
 * webhook later. Returns the normalised limit. Shared by the adapters; not part of the public API.
 */
export function checkReceiverOptions(options: WebhookReceiverOptions): number {
  decodeSecrets(options.secret);
  const limit = options.limitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError('webhook receiver: limitBytes must be a positive integer');
  return limit;
}
