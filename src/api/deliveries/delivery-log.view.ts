import { ApiProperty, PickType } from '@nestjs/swagger';
import type { DeliveryLogEntry } from '../../db/activity-log.repository';
import { EXAMPLE } from '../common/examples';
import { AttemptView, DeliveryView } from './delivery.view';

/** The last attempt of a delivery, as an endpoint's log shows it. */
export class LastAttemptView extends PickType(AttemptView, ['attempt', 'startedAt', 'durationMs', 'statusCode', 'error'] as const) {}

/** A delivery in its endpoint's log, with its last attempt. */
export class DeliveryLogItemView extends PickType(DeliveryView, ['id', 'messageId', 'status', 'createdAt', 'updatedAt'] as const) {
  @ApiProperty({ description: "The message's event type.", example: EXAMPLE.eventType })
  eventType!: string;

  @ApiProperty({ description: 'Attempts made so far, across retries and resets.', example: 3 })
  attempts!: number;

  @ApiProperty({ type: LastAttemptView, nullable: true, description: 'The most recent attempt; null before the first.' })
  lastAttempt!: LastAttemptView | null;
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
