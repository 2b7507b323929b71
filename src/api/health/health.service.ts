import { Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { Database } from '../../db/database';
import type { ShutdownState } from '../../runtime/http-drain';
import { DATABASE, SHUTDOWN_STATE, TEMPORAL_CLIENT } from '../core/tokens';
import type { HealthView } from './health.view';

type Check = 'ok' | 'unavailable';

/** How long a dependency gets to answer before it counts as down. */
const CHECK_DEADLINE_MS = 2_000;

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

/** Whether this API can keep what it accepts: PostgreSQL and Temporal answer, and it is not stopping. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(TEMPORAL_CLIENT) private readonly client: Client,
    @Inject(SHUTDOWN_STATE) private readonly shutdown: ShutdownState,
  ) {}

  /** The health answer, and whether it is healthy (200) or not (503). */
  async check(): Promise<{ healthy: boolean; view: HealthView }> {
    if (this.shutdown.stopping) {
      // Still answering what it received, but a load balancer should send new requests elsewhere.
      return { healthy: false, view: { status: 'stopping', error: { code: 'shutting_down', message: 'this API is stopping; send requests to another one' } } };
    }
    const [postgres, temporal] = await Promise.all([
      withDeadline(this.db.ping(), CHECK_DEADLINE_MS),
      withDeadline(this.client.workflowService.getSystemInfo({}), CHECK_DEADLINE_MS),
    ]);
    const down = Object.entries({ postgres, temporal }).filter(([, state]) => state !== 'ok').map(([name]) => name);
    if (down.length === 0) return { healthy: true, view: { status: 'ok', postgres, temporal } };
    return {
      healthy: false,
      view: { status: 'unavailable', postgres, temporal, error: { code: 'dependency_unavailable', message: `${down.join(' and ')} did not answer` } },
    };
  }
}
