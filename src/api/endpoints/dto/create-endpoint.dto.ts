import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { EVENT_TYPE_PATTERN, IsHeaderMap, IsSigningSecret, IsWebhookUrl } from '../../common/validators';
import { RetryPolicyDto } from './retry-policy.dto';

/** Body of `POST /v1/endpoints`. */
export class CreateEndpointDto {
  @ApiProperty({ example: 'https://example.com/webhooks', description: 'Absolute http(s) URL that receives POSTs.' })
  @IsWebhookUrl()
  url!: string;

  @ApiPropertyOptional({ type: [String], example: ['invoice.paid'], description: 'Event types to receive; absent means all.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(EVENT_TYPE_PATTERN, { each: true, message: 'eventTypes entries must match [A-Za-z0-9_.:-]{1,256}' })
  eventTypes?: string[];

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ description: 'Signing secret; a new `whsec_` secret is generated when absent.' })
  @IsOptional()
  @IsSigningSecret()
  secret?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { 'x-tenant': 'acme' } })
  @IsOptional()
  @IsHeaderMap()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: RetryPolicyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto;

  @ApiPropertyOptional({ description: 'Deadline of one attempt (ms).', default: 15000, minimum: 100, maximum: 300000 })
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(300_000)
  timeoutMs?: number;
}
