import type { DeliveryInput } from '../../workflows/definitions';
import type { DeliveryRecord } from '../db/deliveries.repository';
import type { StartingEndpoint } from '../db/outbox.repository';
import type { MessageEnvelope } from '../db/message-envelope';
import type { DeliveryMemo } from './delivery-starter';

/**
 * The input and memo of a delivery's workflow, from the stored message, delivery and endpoint. The retry
 * policy and timeout are the endpoint's at the time the workflow starts; the secret and the payload are
 * not included (each attempt reads them, so they never enter workflow history).
 */
export function deliveryInputFor(
  message: MessageEnvelope,
  delivery: Pick<DeliveryRecord, 'id'>,
  endpoint: StartingEndpoint,
): { input: DeliveryInput; memo: DeliveryMemo } {
  return {
    input: {
      deliveryId: delivery.id,
      messageId: message.id,
      endpointId: endpoint.id,
      applicationId: endpoint.applicationId,
      eventType: message.eventType,
      messageTimestamp: message.createdAt.toISOString(),
      retryPolicy: endpoint.retryPolicy,
      timeoutMs: endpoint.timeoutMs,
      ...(message.orderingKey === null ? {} : { orderingKey: message.orderingKey }),
    },
    memo: { endpointUrl: endpoint.url, eventType: message.eventType },
  };
}
