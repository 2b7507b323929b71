import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { FILTER_MAX_LENGTH } from '../../../domain/filters/cel-filter';
import { EventTypeList, IsHeaderMap, KeepAsSent, IsSigningSecret, IsWebhookUrl, Optional } from '../../common/validators';
import type { OrderingFailureMode } from '../../../db/endpoints.repository';
import { RetryPolicyDto } from './retry-policy.dto';

/** Body of `POST /v1/endpoints`. */
export class CreateEndpointDto {
  @ApiProperty({
    example: 'https://example.com/webhooks',
    maxLength: 2048,
    description:
      'Absolute http(s) URL that receives POSTs, without `user:password@`. Its host must not be, or resolve to, a loopback, private, ' +
      'link-local or reserved address unless the SSRF policy allows it. Redirects are not followed.',
  })
  @IsWebhookUrl()
  url!: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['invoice.paid'],
    description:
      '1 to 100 event types (`[A-Za-z0-9_.:-]{1,256}`) to receive, matched exactly, or a prefix followed by `.*` (`invoice.*` takes `invoice.paid` and ' +
      '`invoice.line.added`, not `invoice`); duplicates dropped. Absent means every event type. An archived type of the catalog is refused (`400 event_type_archived`).',
  })
  @Optional()
  @EventTypeList()
  eventTypes?: string[];

  @ApiPropertyOptional({
    maxLength: FILTER_MAX_LENGTH,
    description:
      'A CEL expression over `type` (string), `data` (the payload) and `timestamp` (when the message was accepted); a message reaches the endpoint only when it is true. ' +
      `At most ${FILTER_MAX_LENGTH} characters, 200 terms, 24 levels deep, no comprehension inside another. A syntax error, an unknown name or function is ` +
      '`400 invalid_field` (`field: filter`) with the column. A filter that fails on one message (a missing field) is false for it.',
    example: 'type == "invoice.paid" && data.amount > 1000 && data.currency in ["EUR", "USD"]',
  })
  @Optional()
  @IsString()
  @MaxLength(FILTER_MAX_LENGTH)
  filter?: string;

  @ApiPropertyOptional({ maxLength: 1000, default: '', description: 'Free text for operators.', example: 'billing service' })
  @Optional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({
    description:
      'Signing secret: `whsec_` and base64 of 24 to 64 bytes, stored encrypted. Generated (32 random bytes) when absent. ' +
      'On PATCH it replaces the secret at once, without the overlap a rotation gives.',
    example: 'whsec_ejR9f/SuHfKKXYF/d3KabycTrQAx0JZY5cJWEhoD3A0=',
  })
  @Optional()
  @IsSigningSecret()
  secret?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'x-tenant': 'acme' },
    description:
      'Custom headers sent on every attempt as written, stored encrypted: at most 50, names HTTP tokens of at most 128 characters ' +
      '(stored lower-case), values at most 4096 visible ASCII characters with spaces or tabs only between them, 8192 bytes in all. ' +
      'Headers Hookway sets (content-type, content-length, content-encoding, user-agent, webhook-id, webhook-timestamp, webhook-signature) ' +
      'and connection-level ones (connection, keep-alive, transfer-encoding, upgrade, expect, host, te, trailer, http2-settings, proxy-*) ' +
      'are refused with 400 invalid_field naming the header, e.g. `headers.x-price`.',
  })
  @Optional()
  @IsHeaderMap()
  @KeepAsSent()
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: RetryPolicyDto, description: 'The retry schedule; absent fields take the server defaults (HOOKWAY_RETRY_*).' })
  @Optional()
  @ValidateNested()
  @Type(() => RetryPolicyDto)
  retryPolicy?: RetryPolicyDto;

  @ApiPropertyOptional({
    description: 'When a delivery to this endpoint succeeds while it has open dead letters, redrive them automatically.',
    default: true,
    example: true,
  })
  @Optional()
  @IsBoolean()
  autoRecover?: boolean;

  @ApiPropertyOptional({
    enum: ['hold', 'skip'],
    default: 'hold',
    description:
      'What a dead-lettered message does to its ordering key: `hold` the later messages with that key until it is ' +
      'retried successfully or discarded, or `skip` it and deliver the next. Switching to `skip` releases held keys at once.',
    example: 'hold',
  })
  @Optional()
  @IsIn(['hold', 'skip'], { message: 'orderingFailureMode must be "hold" or "skip"' })
  orderingFailureMode?: OrderingFailureMode;

  @ApiPropertyOptional({ description: 'Requests per second this endpoint gets, across all workers; absent means no limit.', minimum: 0.01, maximum: 10000, example: 20 })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(10_000)
  rateLimitPerSecond?: number;

  @ApiPropertyOptional({
    description: 'Deadline of one attempt (ms): connect, headers and body together. Default HOOKWAY_DEFAULT_TIMEOUT_MS.',
    default: 15000,
    minimum: 100,
    maximum: 300000,
    example: 15000,
  })
  @Optional()
  @IsInt()
  @Min(100)
  @Max(300_000)
  timeoutMs?: number;
}
