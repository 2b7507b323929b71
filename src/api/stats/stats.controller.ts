import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { StatsRepository, type HeadlineFigures } from '../../db/stats.repository';
import { parseDuration } from '../../domain/duration';
import { InvalidFieldError } from '../../domain/errors';

const MAX_WINDOW_MS = 31 * 86_400_000;

/** `/v1/stats`: the four headline figures from PostgreSQL, for a look without Grafana. */
@ApiTags('observability')
@ApiBearerAuth()
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsRepository) {}

  @Get()
  @ApiOperation({ summary: 'First-attempt success rate, latency, failure rate after retries and DLQ size, overall and per endpoint.' })
  @ApiQuery({ name: 'window', required: false, description: 'How far back: 15m, 1h (default), 24h, 7d.' })
  async figures(
    @Query('window') window = '1h',
  ): Promise<{ window: string; overall: HeadlineFigures; endpoints: (HeadlineFigures & { endpointId: string })[] }> {
    const windowMs = parseDuration(window);
    if (windowMs === undefined || windowMs <= 0 || windowMs > MAX_WINDOW_MS) {
      throw new InvalidFieldError('window', 'window must be a duration like 15m, 1h, 24h or 7d, at most 31d');
    }
    return { window, ...(await this.stats.headlineFigures(windowMs)) };
  }
}
