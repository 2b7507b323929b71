import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { FILTER_MAX_LENGTH } from '../../../domain/filters/cel-filter';
import { EVENT_TYPE_PATTERN, IsStorableJsonObject, KeepAsSent, Optional } from '../../common/validators';

/** Body of `POST .../endpoints/:id/filter/test`. */
export class TestFilterDto {
  @ApiPropertyOptional({ maxLength: FILTER_MAX_LENGTH, description: "The CEL filter to try; the endpoint's own when absent.", example: 'data.amount > 1000' })
  @Optional()
  @IsString()
  @MaxLength(FILTER_MAX_LENGTH)
  filter?: string;

  @ApiPropertyOptional({ description: 'The sample message\'s event type; give it with `payload`, or neither to try the filter on recent messages.', example: 'invoice.paid' })
  @Optional()
  @IsString()
  @Matches(EVENT_TYPE_PATTERN, { message: 'eventType must match [A-Za-z0-9_.:-]{1,256}' })
  eventType?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The sample payload; give it with `eventType`.', example: { invoiceId: 'inv_42', amount: 1200, currency: 'EUR' } })
  @Optional()
  @IsStorableJsonObject()
  @KeepAsSent()
  payload?: Record<string, unknown>;
}
