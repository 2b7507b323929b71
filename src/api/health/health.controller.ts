import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthService } from './health.service';
import { HealthView } from './health.view';

/** `/health`: whether this API can keep what it accepts, and whether a load balancer should still send it requests. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @ApiOperation({
    summary: '200 when PostgreSQL and Temporal answer; 503 naming the one that does not, or saying the API is stopping.',
    description: 'Needs no token. A load balancer should take an API that answers 503 out of rotation.',
  })
  @ApiOkResponse({ type: HealthView, description: 'Both dependencies answered within 2 s.', example: { status: 'ok', postgres: 'ok', temporal: 'ok' } })
  @ApiServiceUnavailableResponse({
    type: HealthView,
    description: 'A dependency did not answer within 2 s, or the API is stopping.',
    examples: {
      dependency_unavailable: {
        summary: 'dependency_unavailable',
        value: { status: 'unavailable', postgres: 'ok', temporal: 'unavailable', error: { code: 'dependency_unavailable', message: 'temporal did not answer' } },
      },
      shutting_down: {
        summary: 'shutting_down',
        value: { status: 'stopping', error: { code: 'shutting_down', message: 'this API is stopping; send requests to another one' } },
      },
    },
  })
  async check(@Res() res: Response): Promise<void> {
    const { healthy, view } = await this.health.check();
    res.status(healthy ? 200 : 503).json(view);
  }
}
