import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsString, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPE_PATTERN, IsStorableJsonObject, KeepAsSent, Optional } from '../../common/validators';
import { SCHEMA_MAX_BYTES } from '../../../domain/event-types/payload-schema';

/** An example schema the OpenAPI document shows. */
export const SCHEMA_EXAMPLE = {
  type: 'object',
  required: ['invoiceId', 'amount'],
  properties: { invoiceId: { type: 'string' }, amount: { type: 'integer', minimum: 0 }, currency: { enum: ['EUR', 'USD'] } },
};

/** Body of `POST /v1/event-types`. */
export class CreateEventTypeDto {
  @ApiProperty({ description: 'The event type, `[A-Za-z0-9_.:-]{1,256}`, as messages name it. Unique (409 `event_type_exists`); cannot change.', example: 'invoice.paid' })
  @IsString()
  @Matches(EVENT_TYPE_PATTERN, { message: 'name must match [A-Za-z0-9_.:-]{1,256}' })
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000, default: '', description: 'What the event means, for the people who subscribe to it.', example: 'An invoice was paid in full.' })
  @Optional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      `A JSON Schema (draft 2020-12, at most ${SCHEMA_MAX_BYTES} bytes) every payload of this type must satisfy; messages that do not are refused with ` +
      '`400 invalid_payload`. Compiled in strict mode with formats (`date-time`, `email`, `uri`, ...); `pattern` uses RE2 syntax; a `$ref` may only point inside the schema. ' +
      'A schema that does not compile is refused with `400 invalid_field` (`field: schema`) and the reason.',
    example: SCHEMA_EXAMPLE,
  })
  @Optional()
  @IsStorableJsonObject()
  @KeepAsSent()
  schema?: Record<string, unknown>;

  @ApiPropertyOptional({ default: false, description: 'An archived type takes no new messages nor new subscriptions; deliveries already made finish.', example: false })
  @Optional()
  @IsBoolean()
  archived?: boolean;
}
