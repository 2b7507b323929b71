import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsString, Matches } from 'class-validator';
import { IDEMPOTENCY_KEY_PATTERN, KeepAsSent, Optional } from '../../common/validators';
import { CreateMessageDto } from './create-message.dto';

/** One message of a batch: the body of `POST /v1/messages`, with its idempotency key inside. */
export class BatchMessageDto extends CreateMessageDto {
  @ApiPropertyOptional({
    description:
      "What `Idempotency-Key` is to `POST /v1/messages`, `[A-Za-z0-9_.:-]{1,256}`: a message repeating an earlier one's key (in an earlier request or earlier in this batch) returns that message.",
    example: 'order-7781-paid',
  })
  @Optional()
  @IsString()
  @Matches(IDEMPOTENCY_KEY_PATTERN, { message: 'idempotencyKey must match [A-Za-z0-9_.:-]{1,256}' })
  idempotencyKey?: string;
}

/** Body of `POST /v1/messages/batch`. */
export class CreateMessageBatchDto {
  @ApiProperty({
    type: [BatchMessageDto],
    minItems: 1,
    description:
      '1 to `HOOKWAY_MAX_BATCH` (500 by default) messages, each checked as `POST /v1/messages` checks one; a bad one is answered on its own and does not hold up the rest.',
    example: [
      { id: 'evt_2024_0001', eventType: 'invoice.paid', payload: { invoiceId: 'inv_42', amount: 1200 } },
      { eventType: 'invoice.paid', payload: { invoiceId: 'inv_43', amount: 80 }, idempotencyKey: 'inv_43-paid' },
    ],
  })
  @IsArray({ message: 'messages must be an array of 1 to HOOKWAY_MAX_BATCH messages' })
  // Each entry is validated on its own (see batch-entries.ts), so one bad entry cannot refuse the others.
  @KeepAsSent()
  messages!: unknown[];
}
