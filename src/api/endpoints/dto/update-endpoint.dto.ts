import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsNumber, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { FILTER_MAX_LENGTH } from '../../../domain/filters/cel-filter';
import { EventTypeList, IsWebhookUrl, Optional } from '../../common/validators';
import { CreateEndpointDto } from './create-endpoint.dto';

/**
 * Body of `PATCH /v1/endpoints/:id`: any field of creation, plus `disabled`. Absent fields stay as they
 * are; `null` is refused except for `eventTypes`, where it means "every event type" again, `filter`, where
 * it removes the filter, and `rateLimitPerSecond`, where it removes the limit.
 */
export class UpdateEndpointDto extends OmitType(CreateEndpointDto, ['url', 'eventTypes', 'rateLimitPerSecond', 'filter'] as const) {
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 0.01,
    maximum: 10000,
    description: 'Requests per second across all workers; null removes the limit. Setting or removing it also drops any 429 slow-down.',
    example: 20,
  })
  @Optional()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(10_000)
  rateLimitPerSecond?: number | null;

  @ApiPropertyOptional({ example: 'https://example.com/webhooks', maxLength: 2048, description: 'New URL, under the same rules as on creation.' })
  @Optional()
  @IsWebhookUrl()
  url?: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'Event types to receive (as on creation); null means every event type again.', example: ['invoice.paid'] })
  @Optional()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @EventTypeList()
  eventTypes?: string[] | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: FILTER_MAX_LENGTH,
    description: 'A new CEL filter (as on creation); null removes it.',
    example: 'data.amount > 1000',
  })
  @Optional()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsString()
  @MaxLength(FILTER_MAX_LENGTH)
  filter?: string | null;

  @ApiPropertyOptional({
    description:
      'A disabled endpoint gets no new deliveries (those started continue); `true` sets `disabledReason` to `manual`. `false` re-enables it, ' +
      'clears `disabledReason`, restarts the health clock (`failingSince`) and keeps its dead letters.',
    example: false,
  })
  @Optional()
  @IsBoolean()
  disabled?: boolean;
}
