import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiErrorDetail } from '../common/api-error.view';
import { EXAMPLE } from '../common/examples';
import { MessageView } from './message.view';

/** What became of one message of a batch. */
export class MessageBatchItemView {
  @ApiProperty({ description: 'Its position in the request, from 0.', example: 0 })
  index!: number;

  @ApiProperty({
    description: 'What `POST /v1/messages` would have answered for it alone: 202 accepted (or a repeat), 400 invalid, 413 too large.',
    example: 202,
  })
  status!: number;

  @ApiPropertyOptional({ type: MessageView, description: 'With 202: the message (the earlier one, for a repeat) and its deliveries.' })
  message?: MessageView;

  @ApiPropertyOptional({
    type: ApiErrorDetail,
    description: 'Otherwise: why, with `field` its path in the request, e.g. `messages[3].payload`.',
    example: { code: 'invalid_field', message: 'messages[1].eventType must match [A-Za-z0-9_.:-]{1,256}', field: 'messages[1].eventType' },
  })
  error?: ApiErrorDetail;
}

/** The answer to a batch: one item per message, in request order. */
export class MessageBatchView {
  @ApiProperty({
    type: [MessageBatchItemView],
    description: 'One per message sent, in the same order.',
    example: [
      {
        index: 0,
        status: 202,
        message: {
          id: EXAMPLE.messageId,
          applicationId: EXAMPLE.applicationId,
          eventType: EXAMPLE.eventType,
          payload: { invoiceId: 'inv_42', amount: 1200 },
          idempotencyKey: null,
          orderingKey: null,
          createdAt: EXAMPLE.createdAt,
          deliveries: [],
        },
      },
      { index: 1, status: 400, error: { code: 'invalid_field', message: 'messages[1].eventType must match [A-Za-z0-9_.:-]{1,256}', field: 'messages[1].eventType' } },
    ],
  })
  items!: MessageBatchItemView[];
}
