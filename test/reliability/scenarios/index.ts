import type { ScenarioDefinition } from '../scenario';
import { apiKilled } from './api-killed';
import { orderedCrashes } from './ordered-crashes';
import { postgresStopped } from './postgres-stopped';
import { temporalKilled } from './temporal-killed';
import { temporalOutageBurst } from './temporal-outage-burst';
import { unrulyReceivers } from './unruly-receivers';
import { workerKilled } from './worker-killed';

/** Every scenario of the suite, fresh (each holds its own run's state), in the order they run. */
export function allScenarios(): ScenarioDefinition[] {
  return [workerKilled(), temporalKilled(), temporalOutageBurst(), postgresStopped(), apiKilled(), unrulyReceivers(), orderedCrashes()];
}
