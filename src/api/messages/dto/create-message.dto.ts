import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import {
  EVENT_TYPE_PATTERN,
  IsStorableJsonObject,
  KeepAsSent,
  MESSAGE_ID_PATTERN,
  Optional,
  ORDERING_KEY_PATTERN,
} from '../../common/validators';

/** Body of `POST /v1/messages`. */
export class CreateMessageDto {
  @ApiProperty({
    example: 'invoice.paid',
    description: 'The event type, `[A-Za-z0-9_.:-]{1,256}`. Endpoints subscribe by exact match.',
  })
  @IsString()
  @Matches(EVENT_TYPE_PATTERN, { message: 'eventType must match [A-Za-z0-9_.:-]{1,256}' })
  eventType!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { invoiceId: 'inv_42', amount: 1200 },
    description:
      'A JSON object (not an array, string or null); strings and keys must not contain U+0000 or unpaired surrogates. ' +
      'Receivers get it as `data`, its keys in the order posted.',
  })
  @IsStorableJsonObject()
  @KeepAsSent()
  payload!: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'Your id for this message, `[A-Za-z0-9_.:-]{1,200}` but not `.` or `..`; it becomes the `webhook-id`. Posting the same id again ' +
      'returns the first message and starts nothing twice. Default `msg_` and 28 hex digits.',
    example: 'evt_2024_0001',
  })
  @Optional()
  @IsString()
  @Matches(MESSAGE_ID_PATTERN, { message: 'id must match [A-Za-z0-9_.:-]{1,200} and not be "." or ".."' })
  id?: string;

  @ApiPropertyOptional({
    description:
      'Messages with the same ordering key (`[A-Za-z0-9_.:-]{1,128}`) reach each endpoint strictly in the order they were accepted: the next ' +
      'is sent only once the previous one succeeded or was dead-lettered. Other keys, and messages without one, are not held up.',
    example: 'job-12345',
  })
  @Optional()
  @IsString()
  @Matches(ORDERING_KEY_PATTERN, { message: 'orderingKey must match [A-Za-z0-9_.:-]{1,128}' })
  orderingKey?: string;
}
