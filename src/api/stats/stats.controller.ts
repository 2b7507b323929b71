import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { StatsService, type StatsView } from './stats.service';

/** `/v1/stats`: the four headline figures from PostgreSQL, for a look without Grafana. */
@ApiTags('observability')
@ApiBearerAuth()
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({ summary: 'First-attempt success rate, latency, failure rate after retries and DLQ size, overall and per endpoint.' })
  @ApiQuery({ name: 'window', required: false, description: 'How far back: 15m, 1h (default), 24h, 7d.' })
  figures(@Query('window') window = '1h'): Promise<StatsView> {
    return this.stats.figures(window);
  }
}
