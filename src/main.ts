/**
 * `npm run start:api`: the HTTP API alone, against the configured PostgreSQL and Temporal. Run as many as
 * you like behind a load balancer.
 */
import { loadConfig } from './config';
import { createLogger } from './logging/logger';
import { installProcessGuard } from './runtime/process-guard';
import { runMain, runUntilSignal } from './runtime/run-until-signal';
import { startHookway } from './runtime/start-hookway';

runMain(async () => {
  const config = loadConfig();
  const logger = createLogger('api', config.logLevel);
  installProcessGuard(logger);
  const running = await startHookway(config, logger, { api: true, worker: false });
  logger.info({ apiUrl: running.apiUrl, docsUrl: running.docsUrl }, 'API listening');
  runUntilSignal(logger, running.stop);
});
