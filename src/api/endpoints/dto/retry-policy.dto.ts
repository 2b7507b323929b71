import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, Max, Min } from 'class-validator';
import { Optional } from '../../common/validators';

/** Per-endpoint retry schedule; absent fields take the server defaults. */
export class RetryPolicyDto {
  @ApiPropertyOptional({ description: 'Attempts in all, the first included. Default HOOKWAY_RETRY_MAX_ATTEMPTS.', default: 6, minimum: 1, maximum: 100, example: 6 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxAttempts?: number;

  @ApiPropertyOptional({
    description: 'Delay before the first retry (ms). Default HOOKWAY_RETRY_INITIAL_INTERVAL_MS.',
    default: 60000,
    minimum: 1,
    maximum: 86_400_000,
    example: 60000,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  initialIntervalMs?: number;

  @ApiPropertyOptional({
    description: 'Each delay is the previous one times this. Default HOOKWAY_RETRY_BACKOFF_COEFFICIENT.',
    default: 2,
    minimum: 1,
    maximum: 100,
    example: 2,
  })
  @Optional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(100)
  backoffCoefficient?: number;

  @ApiPropertyOptional({
    description: 'Longest single delay (ms), not below `initialIntervalMs`. Default HOOKWAY_RETRY_MAX_INTERVAL_MS.',
    default: 3600000,
    minimum: 1,
    maximum: 7 * 86_400_000,
    example: 3600000,
  })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(7 * 86_400_000)
  maxIntervalMs?: number;
}
