/**
 * The bench's `npm start` process: the API and a worker in one process, as `npm start` runs them, against
 * the bench's PostgreSQL and Temporal (`BENCH_COMBINED=1`). Only the services are left out; the stack
 * script starts those itself.
 */
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { installProcessGuard } from '../../src/runtime/process-guard';
import { runMain, runUntilSignal } from '../../src/runtime/run-until-signal';
import { startHookway } from '../../src/runtime/start-hookway';

runMain(async () => {
  const config = loadConfig(process.env, { development: true });
  const logger = createLogger('stack', config.logLevel);
  installProcessGuard(logger);
  const running = await startHookway(config, logger, { api: true, worker: true });
  runUntilSignal(logger, running.stop);
});
