import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { DeliveryLogEntry } from '../../db/activity-log.repository';
import { EXAMPLE } from '../common/examples';

/** The last attempt of a delivery, as an endpoint's log shows it. */
export class LastAttemptView {
  @ApiProperty({ description: 'Its number, from 1 (a dead-letter retry or a reset numbers from 1 again).', example: 3 })
  attempt!: number;

  @ApiProperty({ format: 'date-time', description: 'When it started.', example: '2026-01-15T09:42:10.300Z' })
  startedAt!: string;

  @ApiProperty({ description: 'How long it took (ms).', example: 212 })
  durationMs!: number;

  @ApiPropertyOptional({ description: 'The status the receiver answered; absent when it did not answer.', example: 503 })
  statusCode?: number;

  @ApiPropertyOptional({
    description: 'Failed attempts only: `<reason>: <detail>`, with the reason codes of docs/delivery-semantics.md.',
    example: 'http_503: receiver answered 503: Service Unavailable',
  })
  error?: string;
}

/** A delivery in its endpoint's log, with its last attempt. */
export class DeliveryLogItemView {
  @ApiProperty({ description: 'The delivery id: `GET /v1/deliveries/{id}` reads every attempt.', example: EXAMPLE.deliveryId })
  id!: string;

  @ApiProperty({ description: 'The message delivered.', example: EXAMPLE.messageId })
  messageId!: string;

  @ApiProperty({ description: "The message's event type.", example: EXAMPLE.eventType })
  eventType!: string;

  @ApiProperty({
    enum: ['pending', 'succeeded', 'dead_lettered'],
    description: '`pending` until delivered (retries included, and while a retried dead letter runs), then `succeeded` or `dead_lettered`.',
    example: 'pending',
  })
  status!: string;

  @ApiProperty({ description: 'Attempts made so far, across retries and resets.', example: 3 })
  attempts!: number;

  @ApiProperty({ type: LastAttemptView, nullable: true, description: 'The most recent attempt; null before the first.' })
  lastAttempt!: LastAttemptView | null;

  @ApiProperty({ format: 'date-time', description: 'When it was created (its message accepted).', example: EXAMPLE.createdAt })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When its status last changed.', example: EXAMPLE.updatedAt })
  updatedAt!: string;
}

/** One page of an endpoint's deliveries. */
export class DeliveryLogPage {
  @ApiProperty({ type: [DeliveryLogItemView], description: 'Deliveries, newest first; fewer than `limit` on the last page.' })
  items!: DeliveryLogItemView[];
}

/** Renders a log entry. */
export function toDeliveryLogItemView(entry: DeliveryLogEntry): DeliveryLogItemView {
  const last = entry.lastAttempt;
  return {
    id: entry.id,
    messageId: entry.messageId,
    eventType: entry.eventType,
    status: entry.status,
    attempts: entry.attempts,
    lastAttempt: last && {
      attempt: last.attempt,
      startedAt: last.startedAt.toISOString(),
      durationMs: last.durationMs,
      ...(last.statusCode !== null ? { statusCode: last.statusCode } : {}),
      ...(last.error !== null ? { error: last.error } : {}),
    },
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}
