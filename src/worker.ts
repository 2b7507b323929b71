/**
 * `npm run start:worker`: one Temporal worker alone (delivery and dead-letter workflows, HTTP activities),
 * against the configured PostgreSQL and Temporal. Run several to deliver more.
 */
import { loadConfig } from './config';
import { createLogger } from './logging/logger';
import { installProcessGuard } from './runtime/process-guard';
import { runMain, runUntilSignal } from './runtime/run-until-signal';
import { startHookway } from './runtime/start-hookway';

runMain(async () => {
  const config = loadConfig();
  const logger = createLogger('worker', config.logLevel);
  installProcessGuard(logger);
  const running = await startHookway(config, logger, { api: false, worker: true });
  logger.info({ taskQueue: config.temporal.taskQueue, temporalAddress: config.temporal.address, metricsUrl: running.metricsUrl }, 'worker polling');
  runUntilSignal(logger, running.stop, running.workerDone);
});
