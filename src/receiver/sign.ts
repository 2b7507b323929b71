import { computeSignature, decodeSecrets } from './signature';

/** The three headers that authenticate one webhook request (a type, not an interface, so it fits `WebhookHeaders`). */
export type WebhookSignatureHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** What `signWebhook` signs. */
export interface SignWebhookInput {
  /** The endpoint's secret, `whsec_` + base64 (or the bare base64). */
  secret: string;
  /** The `webhook-id`. */
  id: string;
  /** The body exactly as it will be sent. */
  body: string | Uint8Array;
  /** When the request is signed. @default now */
  timestamp?: Date;
}

/**
 * Signs a request the way Hookway does (Standard Webhooks `v1`), for tests of your own receiver: send
 * `body` with these headers and `verifyWebhook` (or any Standard Webhooks library) accepts it.
 */
export function signWebhook(input: SignWebhookInput): WebhookSignatureHeaders {
  const [key] = decodeSecrets(input.secret);
  const timestamp = String(Math.floor((input.timestamp ?? new Date()).getTime() / 1000));
  const signature = computeSignature(key, input.id, timestamp, input.body).toString('base64');
  return { 'webhook-id': input.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
