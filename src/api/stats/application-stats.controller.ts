import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApplicationPipe } from '../applications/application.pipe';
import { ApiApplicationScoped, ApiTokenRequired } from '../common/openapi';
import { ApiStatsWindow } from './stats.controller';
import { StatsService } from './stats.service';
import type { StatsView } from './stats.view';

/** `/v1/applications/:app/stats`: the headline figures of one application, for its customer's view. */
@ApiTags('observability')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app/stats')
export class ApplicationStatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({
    summary: "The application's first-attempt success rate, latency, failure rate after retries and DLQ size, overall and per endpoint.",
    description: 'What `GET /v1/stats` answers, counting only the deliveries and open dead letters of this application.',
  })
  @ApiStatsWindow()
  figures(@Param('app', ApplicationPipe) applicationId: string, @Query('window') window = '1h'): Promise<StatsView> {
    return this.stats.figures(window, applicationId);
  }
}
