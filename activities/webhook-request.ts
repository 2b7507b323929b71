import type { EndpointRecord } from '../src/db/endpoints.repository';
import type { DeliveryInput } from '../workflows/definitions';
import { webhookSignature } from './signature';

/** Sent as `user-agent`, so receivers can tell Hookway's requests apart in their logs. */
export const USER_AGENT = 'Hookway/0.1 (+https://github.com/hookway/hookway)';

/**
 * The body of every attempt: `{"type","timestamp","data"}`, with `payloadJson` (the message's payload as
 * PostgreSQL stores it, the JSON text the API produced) spliced in as `data`. Byte for byte what
 * `JSON.stringify` of the parsed payload would give, without parsing and re-serialising up to 16 MiB on
 * every attempt.
 */
export function webhookBody(eventType: string, messageTimestamp: string, payloadJson: string): string {
  return `{"type":${JSON.stringify(eventType)},"timestamp":${JSON.stringify(messageTimestamp)},"data":${payloadJson}}`;
}

/**
 * The body and headers of one attempt. The body is identical on every attempt (its `timestamp` is when
 * the message was accepted); `webhook-timestamp` and the signature are fresh each time, as receivers
 * reject stale timestamps. Custom headers cannot override the signature headers.
 */
export function buildWebhookRequest(
  input: Pick<DeliveryInput, 'messageId' | 'eventType' | 'messageTimestamp'>,
  payloadJson: string,
  endpoint: Pick<EndpointRecord, 'secret' | 'headers' | 'previousSecret' | 'previousSecretExpiresAt'>,
  nowMs: number,
): { headers: Record<string, string>; body: string } {
  const nowSeconds = Math.floor(nowMs / 1000);
  const body = webhookBody(input.eventType, input.messageTimestamp, payloadJson);
  // During a rotation both secrets sign, space-separated as Standard Webhooks allows, so receivers
  // verifying with either one accept the request.
  const secrets = [endpoint.secret];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt.getTime() > nowMs) {
    secrets.push(endpoint.previousSecret);
  }
  return {
    body,
    headers: {
      ...endpoint.headers,
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': input.messageId,
      'webhook-timestamp': String(nowSeconds),
      'webhook-signature': secrets.map((secret) => webhookSignature(secret, input.messageId, nowSeconds, body)).join(' '),
    },
  };
}
