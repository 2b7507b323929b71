import { computeSignature, decodeSecrets } from '../src/receiver/signature';

/**
 * The Standard Webhooks signature of one request: `v1,` and the base64 HMAC-SHA256 of
 * `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the base64-decoded part of a `whsec_` secret.
 * The HMAC itself is the receiver library's, so sending and verifying can never drift apart.
 */
export function webhookSignature(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const [key] = decodeSecrets(secret);
  return `v1,${computeSignature(key, webhookId, String(timestampSeconds), body).toString('base64')}`;
}
