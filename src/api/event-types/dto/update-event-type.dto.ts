import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsStorableJsonObject, KeepAsSent, Optional } from '../../common/validators';
import { ValidateIf } from 'class-validator';
import { CreateEventTypeDto, SCHEMA_EXAMPLE } from './create-event-type.dto';

/** Body of `PATCH /v1/event-types/:name`: absent fields stay as they are; `schema: null` removes the schema. */
export class UpdateEventTypeDto extends PartialType(OmitType(CreateEventTypeDto, ['name', 'schema'] as const)) {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'A new schema (as on creation), checked on messages accepted from now on by every API process; null removes it.',
    example: SCHEMA_EXAMPLE,
  })
  @Optional()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsStorableJsonObject()
  @KeepAsSent()
  schema?: Record<string, unknown> | null;
}
