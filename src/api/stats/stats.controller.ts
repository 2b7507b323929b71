import { applyDecorators, Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/access.decorators';
import { ApiErrors, ApiTokenRequired } from '../common/openapi';
import { StatsService } from './stats.service';
import { StatsView } from './stats.view';

/** The `window` query parameter of a figures route, its answer and its 400. */
export function ApiStatsWindow(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'window',
      required: false,
      schema: { type: 'string', default: '1h', example: '24h' },
      description: 'How far back: a duration such as 15m, 1h, 24h or 7d (units d, h, m, s, ms; a bare number is ms), at most 31d.',
    }),
    ApiOkResponse({ type: StatsView, description: 'The figures, overall and per endpoint.' }),
    ApiErrors({
      status: 400,
      description: '`invalid_field` naming `window` when it is not a duration up to 31 days.',
      example: { code: 'invalid_field', message: 'window must be a duration like 15m, 1h, 24h or 7d, at most 31d', field: 'window' },
    }),
  );
}

/** `/v1/stats`: the four headline figures from PostgreSQL, for a look without Grafana. */
@ApiTags('observability')
@ApiTokenRequired()
@OperatorOnly()
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({
    summary: 'First-attempt success rate, latency, failure rate after retries and DLQ size, overall and per endpoint, of every application.',
    description: 'Counts the deliveries created in the window that have ended (succeeded or dead-lettered); pending ones are left out.',
  })
  @ApiStatsWindow()
  figures(@Query('window') window = '1h'): Promise<StatsView> {
    return this.stats.figures(window);
  }
}
