import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { EVENT_TYPE_PATTERN, IsStorableJsonObject, KeepAsSent, Optional } from '../../common/validators';

/** The event type of a test event to an endpoint that subscribes to every type. */
export const TEST_EVENT_TYPE = 'hookway.test';

/** Body of `POST /v1/applications/:app/endpoints/:id/test`; may be empty. */
export class SendTestEventDto {
  @ApiPropertyOptional({
    description: `The event type, \`[A-Za-z0-9_.:-]{1,256}\`. Default: the endpoint's first subscribed type, or \`${TEST_EVENT_TYPE}\` when it subscribes to all.`,
    example: 'invoice.paid',
  })
  @Optional()
  @IsString()
  @Matches(EVENT_TYPE_PATTERN, { message: 'eventType must match [A-Za-z0-9_.:-]{1,256}' })
  eventType?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'A JSON object, as for a message. Default: `{ "test": true, "sentAt": <now, ISO-8601> }`.',
    example: { test: true, sentAt: '2026-01-15T09:30:00.000Z' },
  })
  @Optional()
  @IsStorableJsonObject()
  @KeepAsSent()
  payload?: Record<string, unknown>;
}
