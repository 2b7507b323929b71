import type { DeliveryRecord } from '../../db/deliveries.repository';
import type { MessageRecord } from '../../db/messages.repository';

/** A message as the API shows it, with where it is going. */
export interface MessageView {
  id: string;
  eventType: string;
  payload: Record<string, unknown>;
  idempotencyKey: string | null;
  orderingKey: string | null;
  createdAt: string;
  /** `sequence`: the message's place in the endpoint's stream for its ordering key (null without one). */
  deliveries: { id: string; endpointId: string; workflowId: string; status: string; sequence: number | null }[];
}

/** Renders a message and its deliveries. */
export function toMessageView(message: MessageRecord, deliveries: DeliveryRecord[]): MessageView {
  return {
    id: message.id,
    eventType: message.eventType,
    payload: message.payload,
    idempotencyKey: message.idempotencyKey,
    orderingKey: message.orderingKey,
    createdAt: message.createdAt.toISOString(),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      endpointId: d.endpointId,
      workflowId: d.workflowId,
      status: d.status,
      sequence: d.sequence,
    })),
  };
}
