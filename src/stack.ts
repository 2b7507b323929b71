/**
 * `npm start`: the whole stack in the foreground. Starts the embedded PostgreSQL and the Temporal dev
 * server unless `DATABASE_URL` / `TEMPORAL_ADDRESS` point elsewhere, then one worker and the API in this
 * process, prints where everything is, and stops all of it on Ctrl-C.
 */
import { loadConfig } from './config';
import { startDevServices } from './dev/dev-services';
import { createLogger } from './logging/logger';
import { apiTokenLines } from './runtime/api-token-lines';
import { installProcessGuard } from './runtime/process-guard';
import { runMain, runUntilSignal } from './runtime/run-until-signal';
import { startHookway } from './runtime/start-hookway';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

runMain(async () => {
  const config = loadConfig(process.env, { development: true });
  const logger = createLogger('stack', config.logLevel);
  installProcessGuard(logger);
  say(`Hookway: data in ${config.dataDir}`);
  const services = await startDevServices(config, say, { ownProcessGroup: true });
  let running;
  try {
    running = await startHookway(services.config, logger, { api: true, worker: true }, { mayGenerateApiToken: true });
  } catch (error) {
    await services.stop();
    throw error;
  }
  const stopAll = async (): Promise<void> => {
    say('Stopping Hookway...');
    await running.stop();
    await services.stop();
    say('Stopped.');
  };
  say('');
  say('Hookway is running.');
  say(`  API          ${running.apiUrl}`);
  say(`  API docs     ${running.docsUrl}`);
  say(`  Portal       ${running.apiUrl}/portal/ (operator console: paste HOOKWAY_API_TOKEN)`);
  say(`  Temporal UI  ${services.config.temporal.uiUrl}`);
  say(`  Temporal     ${services.config.temporal.address}${services.temporal ? ' (dev server)' : ''}`);
  say(`  PostgreSQL   ${services.postgres ? `embedded, port ${config.dev.postgresPort}` : 'from DATABASE_URL'}`);
  for (const line of apiTokenLines(running.auth, config)) say(line);
  if (services.config.security.allowPrivateNetworks) say('  Delivery     to private and loopback addresses allowed (development default)');
  say('Press Ctrl-C to stop.');
  runUntilSignal(logger, stopAll, running.workerDone);
});
