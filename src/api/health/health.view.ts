import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiErrorDetail } from '../common/api-error.view';

/** The answer of `GET /health`. */
export class HealthView {
  @ApiProperty({
    enum: ['ok', 'unavailable', 'stopping'],
    description: '`ok` (200) when PostgreSQL and Temporal answer; `unavailable` (503) when one does not; `stopping` (503) from SIGTERM until exit.',
    example: 'ok',
  })
  status!: 'ok' | 'unavailable' | 'stopping';

  @ApiPropertyOptional({ enum: ['ok', 'unavailable'], description: 'Whether PostgreSQL answered within 2 s; absent while stopping.', example: 'ok' })
  postgres?: 'ok' | 'unavailable';

  @ApiPropertyOptional({ enum: ['ok', 'unavailable'], description: 'Whether Temporal answered within 2 s; absent while stopping.', example: 'ok' })
  temporal?: 'ok' | 'unavailable';

  @ApiPropertyOptional({
    type: ApiErrorDetail,
    description: 'With 503 only: `dependency_unavailable` naming what did not answer, or `shutting_down`.',
  })
  error?: ApiErrorDetail;
}
