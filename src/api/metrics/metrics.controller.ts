import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RENDER_METRICS } from '../core/tokens';

/** `/metrics`: Prometheus text exposition of this process, delivery metrics and the Temporal SDK's. */
@ApiTags('observability')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(RENDER_METRICS) private readonly render: () => Promise<string>) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: hookway_* and the Temporal SDK worker metrics.' })
  metrics(): Promise<string> {
    return this.render();
  }
}
