import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Client } from '@temporalio/client';
import type { Response } from 'express';
import type { Database } from '../../db/database';
import type { ShutdownState } from '../../runtime/http-drain';
import { DATABASE, SHUTDOWN_STATE, TEMPORAL_CLIENT } from '../core/tokens';
import { HealthView } from './health.view';

type Check = 'ok' | 'unavailable';

async function withDeadline(check: Promise<unknown>, ms: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Check>((resolve) => {
    timer = setTimeout(() => resolve('unavailable'), ms);
  });
  try {
    return await Promise.race([check.then((ok) => (ok === false ? 'unavailable' : 'ok'), () => 'unavailable' as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/health`: whether this API can keep what it accepts, and whether a load balancer should still send it requests. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(SHUTDOWN_STATE) private readonly shutdown: ShutdownState,
  ) {}

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
    if (this.shutdown.stopping) {
      // Still answering what it received, but a load balancer should send new requests elsewhere.
      res.status(503).json({ status: 'stopping', error: { code: 'shutting_down', message: 'this API is stopping; send requests to another one' } });
      return;
    }
    const [postgres, temporal] = await Promise.all([
      withDeadline(this.db.ping(), 2_000),
      withDeadline(this.client.workflowService.getSystemInfo({}), 2_000),
    ]);
    const down = Object.entries({ postgres, temporal }).filter(([, state]) => state !== 'ok').map(([name]) => name);
    if (down.length === 0) {
      res.status(200).json({ status: 'ok', postgres, temporal });
      return;
    }
    res.status(503).json({
      status: 'unavailable',
      postgres,
      temporal,
      error: { code: 'dependency_unavailable', message: `${down.join(' and ')} did not answer` },
    });
  }
}
