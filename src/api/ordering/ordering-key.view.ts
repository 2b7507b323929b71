import { ApiProperty } from '@nestjs/swagger';
import type { StreamState } from '../../db/ordered-streams.repository';
import { EXAMPLE } from '../common/examples';

/** The message an ordered stream waits on. */
export class OrderingHeadView {
  @ApiProperty({ description: "The message's number in the stream, from 1.", example: 7 })
  sequence!: number;

  @ApiProperty({ description: 'The message.', example: EXAMPLE.messageId })
  messageId!: string;

  @ApiProperty({ description: 'Its delivery to this endpoint.', example: EXAMPLE.deliveryId })
  deliveryId!: string;

  @ApiProperty({ description: 'The Temporal workflow of that delivery.', example: EXAMPLE.workflowId })
  workflowId!: string;
}

/** The dead letter that holds a blocked stream. */
export class OrderingBlockView {
  @ApiProperty({
    description: 'Retry it (`POST /v1/dead-letters/{id}/retry`) or discard it (`DELETE /v1/dead-letters/{id}`) to let the stream go on.',
    example: EXAMPLE.deadLetterId,
  })
  deadLetterId!: string;

  @ApiProperty({ description: 'The dead-lettered message.', example: EXAMPLE.messageId })
  messageId!: string;

  @ApiProperty({ description: "Its number in the stream.", example: 7 })
  sequence!: number;

  @ApiProperty({ description: "The last attempt's failure, `<reason>: <detail>`.", example: 'http_503: receiver answered 503: Service Unavailable' })
  error!: string;

  @ApiProperty({ format: 'date-time', description: 'When it was dead-lettered.', example: '2026-01-15T11:31:02.004Z' })
  since!: string;
}

/** An ordered stream (one endpoint, one ordering key) as the API shows it. */
export class OrderingKeyView {
  @ApiProperty({ description: 'The endpoint.', example: EXAMPLE.endpointId })
  endpointId!: string;

  @ApiProperty({ description: 'The ordering key.', example: EXAMPLE.orderingKey })
  orderingKey!: string;

  @ApiProperty({
    enum: ['idle', 'delivering', 'blocked'],
    description:
      '`idle`: everything accepted so far is done; `delivering`: `head` is under way, retries included; `blocked`: `head` was dead-lettered and holds the rest.',
    example: 'blocked',
  })
  state!: 'idle' | 'delivering' | 'blocked';

  @ApiProperty({ type: OrderingHeadView, nullable: true, description: 'The message the stream waits on; null when idle.' })
  head!: OrderingHeadView | null;

  @ApiProperty({ type: OrderingBlockView, nullable: true, description: 'What blocks the stream; null unless blocked.' })
  blockedBy!: OrderingBlockView | null;

  @ApiProperty({ description: 'Messages after the head, not yet sent.', example: 3 })
  waiting!: number;

  @ApiProperty({ description: 'Number of the latest message accepted with this key.', example: 10 })
  lastSequence!: number;
}

/** The answer of `GET /v1/endpoints/:id/blocked-keys`. */
export class BlockedKeysView {
  @ApiProperty({ type: [OrderingKeyView], description: 'Blocked keys, longest blocked first; at most 250.' })
  items!: OrderingKeyView[];
}

/** Renders a stream's state. */
export function toOrderingKeyView(state: StreamState): OrderingKeyView {
  const head = state.head;
  return {
    endpointId: state.endpointId,
    orderingKey: state.orderingKey,
    state: head === null ? 'idle' : head.deadLetter ? 'blocked' : 'delivering',
    head: head && { sequence: head.sequence, messageId: head.messageId, deliveryId: head.deliveryId, workflowId: head.workflowId },
    blockedBy:
      head?.deadLetter
        ? {
            deadLetterId: head.deadLetter.id,
            messageId: head.messageId,
            sequence: head.sequence,
            error: head.deadLetter.error,
            since: head.deadLetter.deadLetteredAt.toISOString(),
          }
        : null,
    waiting: state.waiting,
    lastSequence: state.lastSequence,
  };
}
