/**
 * `hookway/receiver`: the receiving half of webhooks. Verify that a request is authentic
 * (`verifyWebhook`, Standard Webhooks), process each webhook once however often it is retried
 * (`processOnce`), and a middleware for Express or plain Node `http`. Needs neither NestJS nor Temporal;
 * the NestJS guard lives in `hookway/receiver/nestjs`.
 */
export {
  describeVerificationError,
  WebhookVerificationError,
  type WebhookErrorBody,
  type WebhookVerificationErrorCode,
} from './errors';
export {
  verifiedWebhook,
  webhookMiddleware,
  type WebhookMiddleware,
  type WebhookReceiverOptions,
  type WebhookRequest,
} from './express';
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
