import { ApiProperty } from '@nestjs/swagger';
import type { MessageLogEntry } from '../../db/activity-log.repository';
import { EXAMPLE } from '../common/examples';

/** How many of a message's deliveries are in each state. */
export class DeliveryCountsView {
  @ApiProperty({ description: 'Deliveries of the message: one per endpoint subscribed when it was accepted.', example: 3 })
  total!: number;

  @ApiProperty({ description: 'Still being attempted, waiting for a retry, or parked.', example: 1 })
  pending!: number;

  @ApiProperty({ description: 'Delivered.', example: 2 })
  succeeded!: number;

  @ApiProperty({ description: 'Dead-lettered: attempts ran out.', example: 0 })
  deadLettered!: number;
}

/** A message in its application's log: what a list needs, without the payload. */
export class MessageLogItemView {
  @ApiProperty({ description: 'The message id: `GET /v1/applications/{app}/messages/{id}` reads it with its payload.', example: EXAMPLE.messageId })
  id!: string;

  @ApiProperty({ description: 'The event type.', example: EXAMPLE.eventType })
  eventType!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Its ordering key, or null.', example: EXAMPLE.orderingKey })
  orderingKey!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'The `Idempotency-Key` it was posted with, or null.', example: 'order-7781-paid' })
  idempotencyKey!: string | null;

  @ApiProperty({ format: 'date-time', description: 'When it was accepted.', example: EXAMPLE.createdAt })
  createdAt!: string;

  @ApiProperty({ type: DeliveryCountsView, description: 'Its deliveries, counted by status, as of this answer.' })
  deliveries!: DeliveryCountsView;
}

/** One page of an application's messages. */
export class MessageLogPage {
  @ApiProperty({ type: [MessageLogItemView], description: 'Messages, newest first; fewer than `limit` on the last page.' })
  items!: MessageLogItemView[];
}

/** Renders a log entry. */
export function toMessageLogItemView(entry: MessageLogEntry): MessageLogItemView {
  return {
    id: entry.id,
    eventType: entry.eventType,
    orderingKey: entry.orderingKey,
    idempotencyKey: entry.idempotencyKey,
    createdAt: entry.createdAt.toISOString(),
    deliveries: { ...entry.deliveries },
  };
}
