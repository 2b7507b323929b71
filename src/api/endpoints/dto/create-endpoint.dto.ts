import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { EventTypeList, IsHeaderMap, KeepAsSent, IsSigningSecret, IsWebhookUrl, Optional } from '../../common/validators';
import type { OrderingFailureMode } from '../../../db/endpoints.repository';
import { RetryPolicyDto } from './retry-policy.dto';

/** Body of `POST /v1/endpoints`. */
export class CreateEndpointDto {
  @ApiProperty({ example: 'https://example.com/webhooks', description: 'Absolute http(s) URL that receives POSTs.' })
  @IsWebhookUrl()
  url!: string;

  @ApiPropertyOptional({ type: [String], example: ['invoice.paid'], description: 'Event types to receive; absent means all.' })
  @Optional()
  @EventTypeList()
  eventTypes?: string[];

  @ApiPropertyOptional({ maxLength: 1000 })
  @Optional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ description: 'Signing secret; a new `whsec_` secret is generated when absent.' })
  @Optional()
  @IsSigningSecret()
  secret?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'x-tenant': 'acme' },
    description:
      'Sent on every attempt as written: at most 50, names HTTP tokens (stored lower-case), values visible ASCII with spaces or tabs between, ' +
      '8192 bytes in all. Headers Hookway sets and connection-level ones (connection, keep-alive, transfer-encoding, upgrade, expect, host, ' +
      'te, trailer, proxy-*) are refused with 400 invalid_field naming the header, e.g. `headers.x-price`.',
  })
  @Optional()
  @IsHeaderMap()
  @KeepAsSent()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: RetryPolicyDto })
  @Optional()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto;

  @ApiPropertyOptional({ description: 'Redrive the dead letters automatically once a delivery succeeds again.', default: true })
  @Optional()
  @IsBoolean()
  autoRecover?: boolean;

  @ApiPropertyOptional({
    enum: ['hold', 'skip'],
    default: 'hold',
    description:
      'What a dead-lettered message does to its ordering key: `hold` the later messages with that key until it is ' +
      'retried successfully or discarded, or `skip` it and deliver the next.',
  })
  @Optional()
  @IsIn(['hold', 'skip'], { message: 'orderingFailureMode must be "hold" or "skip"' })
  orderingFailureMode?: OrderingFailureMode;

  @ApiPropertyOptional({ description: 'Requests per second this endpoint gets, across all workers.', minimum: 0.01, maximum: 10000 })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(10_000)
  rateLimitPerSecond?: number;

  @ApiPropertyOptional({ description: 'Deadline of one attempt (ms).', default: 15000, minimum: 100, maximum: 300000 })
  @Optional()
  @IsInt()
  @Min(100)
  @Max(300_000)
  timeoutMs?: number;
}
