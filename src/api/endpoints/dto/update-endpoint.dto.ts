import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsBoolean, IsNumber, Max, Min, ValidateIf } from 'class-validator';
import { EventTypeList, IsWebhookUrl, Optional } from '../../common/validators';
import { CreateEndpointDto } from './create-endpoint.dto';

/**
 * Body of `PATCH /v1/endpoints/:id`: any field of creation, plus `disabled`. Absent fields stay as they
 * are; `null` is refused except for `eventTypes`, where it means "every event type" again.
 */
export class UpdateEndpointDto extends OmitType(CreateEndpointDto, ['url', 'eventTypes', 'rateLimitPerSecond'] as const) {
  @ApiPropertyOptional({ nullable: true, description: 'Requests per second across all workers; null removes the limit.' })
  @Optional()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(10_000)
  rateLimitPerSecond?: number | null;

  @ApiPropertyOptional({ example: 'https://example.com/webhooks' })
  @Optional()
  @IsWebhookUrl()
  url?: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'Event types to receive; null means all.' })
  @Optional()
  @ValidateIf((_object: object, value: unknown) => value !== null)
  @EventTypeList()
  eventTypes?: string[] | null;

  @ApiPropertyOptional({ description: 'A disabled endpoint gets no new deliveries; false re-enables it.' })
  @Optional()
  @IsBoolean()
  disabled?: boolean;
}
