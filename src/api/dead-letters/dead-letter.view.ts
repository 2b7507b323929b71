import { ApiProperty } from '@nestjs/swagger';
import type { DeadLetterRecord } from '../../db/dead-letters.repository';
import { EXAMPLE } from '../common/examples';

/** An open dead letter: a delivery whose attempts ran out, waiting for an operator. */
export class DeadLetterView {
  @ApiProperty({ description: 'The dead letter id: `dlq_` and 28 hex digits.', example: EXAMPLE.deadLetterId })
  id!: string;

  @ApiProperty({ description: 'The application of its message and endpoint.', example: EXAMPLE.applicationId })
  applicationId!: string;

  @ApiProperty({ description: 'The delivery that failed.', example: EXAMPLE.deliveryId })
  deliveryId!: string;

  @ApiProperty({ description: 'Its message.', example: EXAMPLE.messageId })
  messageId!: string;

  @ApiProperty({ description: 'Its endpoint.', example: EXAMPLE.endpointId })
  endpointId!: string;

  @ApiProperty({ description: 'The Temporal workflow of the delivery.', example: EXAMPLE.workflowId })
  workflowId!: string;

  @ApiProperty({ description: "The last attempt's failure, `<reason>: <detail>`.", example: 'http_503: receiver answered 503: Service Unavailable' })
  error!: string;

  @ApiProperty({ description: 'Attempts made before it was dead-lettered.', example: 6 })
  attempts!: number;

  @ApiProperty({ format: 'date-time', description: 'When it was dead-lettered.', example: '2026-01-15T11:31:02.004Z' })
  deadLetteredAt!: string;
}

/** Renders a dead letter. */
export function toDeadLetterView(d: DeadLetterRecord): DeadLetterView {
  return {
    id: d.id,
    applicationId: d.applicationId,
    deliveryId: d.deliveryId,
    messageId: d.messageId,
    endpointId: d.endpointId,
    workflowId: d.workflowId,
    error: d.error,
    attempts: d.attempts,
    deadLetteredAt: d.deadLetteredAt.toISOString(),
  };
}

/** One page of `GET /v1/dead-letters`. */
export class DeadLetterPage {
  @ApiProperty({ description: 'Open dead letters that match (of the endpoint, when filtered), across all pages.', example: 2 })
  total!: number;

  @ApiProperty({ type: [DeadLetterView], description: 'Open dead letters, newest first; fewer than `limit` on the last page.' })
  items!: DeadLetterView[];
}

/** The answer of `POST /v1/dead-letters/:id/retry`. */
export class DeadLetterRetryView {
  @ApiProperty({ description: 'The dead letter id.', example: EXAMPLE.deadLetterId })
  id!: string;

  @ApiProperty({
    enum: ['started', 'running'],
    description: '`started`: a new run of the delivery started; `running`: one was under way already.',
    example: 'started',
  })
  status!: 'started' | 'running';
}

/** The answer of `POST /v1/endpoints/:id/dead-letters/retry`. */
export class RedriveView {
  @ApiProperty({ description: 'Open dead letters of the endpoint when asked; its dead-letter workflow redrives them.', example: 12 })
  count!: number;
}
