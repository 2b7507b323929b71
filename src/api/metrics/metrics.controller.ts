import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RENDER_METRICS } from '../core/tokens';

/** `/metrics`: Prometheus text exposition of this process, delivery metrics and the Temporal SDK's. */
@ApiTags('observability')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(RENDER_METRICS) private readonly render: () => Promise<string>) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics: hookway_* and the Temporal SDK worker metrics.', description: 'Needs no token. Prometheus text format 0.0.4.' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The metrics of this process.',
    content: {
      'text/plain': {
        schema: {
          type: 'string',
          description: 'Prometheus text exposition.',
          example: '# TYPE hookway_deliveries_total counter\nhookway_deliveries_total{outcome="succeeded",event_type="invoice.paid"} 42\n',
        },
      },
    },
  })
  metrics(): Promise<string> {
    return this.render();
  }
}
