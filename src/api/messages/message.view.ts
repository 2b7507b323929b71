import { ApiProperty, PickType } from '@nestjs/swagger';
import type { DeliveryRecord } from '../../db/deliveries.repository';
import type { MessageRecord } from '../../db/messages.repository';
import { EXAMPLE } from '../common/examples';
import { DeliveryView } from '../deliveries/delivery.view';

/** One endpoint a message goes to. */
export class MessageDeliveryView extends PickType(DeliveryView, ['id', 'endpointId', 'workflowId', 'status'] as const) {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The message's number in this endpoint's stream for its ordering key, from 1; null without a key.",
    example: 1,
  })
  sequence!: number | null;
}

/** A message as the API shows it, with where it is going. */
export class MessageView {
  @ApiProperty({ description: 'The message id, unique within its application, and the `webhook-id` receivers get.', example: EXAMPLE.messageId })
  id!: string;

  @ApiProperty({ description: 'The application it was sent to.', example: EXAMPLE.applicationId })
  applicationId!: string;

  @ApiProperty({ description: 'The event type.', example: EXAMPLE.eventType })
  eventType!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The payload as posted.', example: { invoiceId: 'inv_42', amount: 1200 } })
  payload!: Record<string, unknown>;

  @ApiProperty({ type: String, nullable: true, description: 'The `Idempotency-Key` it was posted with, or null.', example: 'order-7781-paid' })
  idempotencyKey!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Its ordering key, or null.', example: EXAMPLE.orderingKey })
  orderingKey!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When it was accepted.', example: EXAMPLE.createdAt })
  createdAt!: string;

  @ApiProperty({
    description: 'How many endpoints subscribed to `eventType` did not get it because their filter was false (or failed) on it; they have no delivery.',
    example: 0,
  })
  filteredOut!: number;

  @ApiProperty({
    type: [MessageDeliveryView],
    description: 'One delivery per endpoint that was live, enabled, subscribed to `eventType` and whose filter was true when it was accepted; may be empty.',
  })
  deliveries!: MessageDeliveryView[];
}

/** Renders a message and its deliveries. */
export function toMessageView(message: MessageRecord, deliveries: DeliveryRecord[]): MessageView {
  return {
    id: message.id,
    applicationId: message.applicationId,
    eventType: message.eventType,
    payload: message.payload,
    idempotencyKey: message.idempotencyKey,
    orderingKey: message.orderingKey,
    createdAt: message.createdAt.toISOString(),
    filteredOut: message.filteredOut,
    deliveries: deliveries.map((d) => ({
      id: d.id,
      endpointId: d.endpointId,
      workflowId: d.workflowId,
      status: d.status,
      sequence: d.sequence,
    })),
  };
}
