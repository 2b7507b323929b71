/**
 * `@hookway/receiver`: the receiving half of webhooks. Verify that a request is authentic
 * (`verifyWebhook`, Standard Webhooks), process each webhook once however often it is retried
 * (`processOnce`), and sign requests to test a receiver (`signWebhook`). Loads no other package; the
 * adapters are separate entry points: `@hookway/receiver/express` (Express or plain `node:http`) and
 * `@hookway/receiver/nestjs`.
 */
export {
  describeVerificationError,
  WebhookVerificationError,
  type WebhookErrorBody,
  type WebhookVerificationErrorCode,
} from './errors';
export {
  ensureProcessedWebhooksTable,
  processOnce,
  PROCESSED_WEBHOOKS_DDL,
  type ProcessOnceOutcome,
} from './process-once';
export { DEFAULT_BODY_LIMIT_BYTES } from './raw-body';
export { signWebhook, type SignWebhookInput, type WebhookSignatureHeaders } from './sign';
export type { WebhookSecrets } from './signature';
export {
  DEFAULT_TOLERANCE_SECONDS,
  verifyWebhook,
  type VerifiedWebhook,
  type VerifyOptions,
  type WebhookHeaders,
} from './verify';
