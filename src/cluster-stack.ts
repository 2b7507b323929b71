/**
 * `npm run start:cluster`: the production topology on this machine. A real Temporal server with
 * PostgreSQL persistence and visibility plus its Web UI (unless `TEMPORAL_ADDRESS` is set), the embedded
 * PostgreSQL (unless `DATABASE_URL` is set), then `HOOKWAY_WORKERS` worker processes and `HOOKWAY_APIS`
 * API processes against them. State in `<HOOKWAY_DATA_DIR>/cluster`; Ctrl-C stops everything.
 */
import path from 'node:path';
import { startClusterServices } from './cluster/cluster-services';
import { HookwayFleet } from './cluster/hookway-fleet';
import { loadConfig } from './config';
import { assertPortFree } from './runtime/ports';
import { createLogger } from './logging/logger';
import { apiTokenLines } from './runtime/api-token-lines';
import { installProcessGuard } from './runtime/process-guard';
import { runMain, runUntilSignal } from './runtime/run-until-signal';
import { resolveApiAuth, resolveEncryptionKey } from './security/local-secrets';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** `count` consecutive ports from `first`, each checked free; `setting` is what moves them. */
async function portRange(first: number, count: number, what: string, setting: string): Promise<number[]> {
  const ports = Array.from({ length: count }, (_, i) => first + i);
  for (const port of ports) await assertPortFree(port, what, setting);
  return ports;
}

runMain(async () => {
  const base = loadConfig(process.env, { development: true });
  // Apart from npm start's state: another Temporal, so another Hookway database, token and key.
  const config = { ...base, dataDir: path.join(base.dataDir, 'cluster') };
  const logger = createLogger('cluster', config.logLevel);
  installProcessGuard(logger);
  say(`Hookway cluster: data in ${config.dataDir}`);
  const apiPorts = await portRange(config.api.port, config.cluster.apis, 'a Hookway API', 'PORT (APIs use PORT, PORT+1, ...)');
  const metricsPorts = await portRange(config.metrics.workerPort, config.cluster.workers, "a worker's /metrics", 'HOOKWAY_WORKER_METRICS_PORT');
  const auth = resolveApiAuth(config, true);
  const { key } = resolveEncryptionKey(config);
  const services = await startClusterServices(config, say);
  const fleet = new HookwayFleet({
    config: services.config,
    apiPorts,
    workerMetricsPorts: metricsPorts,
    logDir: config.dataDir,
    apiToken: auth.mode === 'token' ? auth.token : undefined,
    encryptionKey: key.toString('base64'),
    restartOnExit: true,
  });
  // Children run in process groups of their own (so Ctrl-C reaches only this process, which stops them
  // in order); should this process die without stopping them, they must not outlive it.
  process.on('exit', () => {
    fleet.killNow();
    services.temporal?.server.killNow();
    services.temporal?.ui.killNow();
  });
  say(`Starting ${config.cluster.apis} API and ${config.cluster.workers} worker processes...`);
  try {
    await fleet.start();
  } catch (error) {
    await services.stop();
    throw error;
  }
  const stopAll = async (): Promise<void> => {
    say('Stopping the APIs, then the workers (in-flight attempts finish), then Temporal and PostgreSQL...');
    await fleet.stop();
    await services.stop();
    say('Stopped.');
  };
  say('');
  say('Hookway cluster is running.');
  fleet.apiUrls.forEach((url, i) => say(`  API ${String(i + 1).padEnd(9)}${url}   docs ${url}/docs`));
  say(`  Workers      ${config.cluster.workers} processes, /metrics on ports ${metricsPorts.join(', ')}`);
  say(`  Temporal UI  ${services.config.temporal.uiUrl}`);
  say(
    `  Temporal     ${services.config.temporal.address}` +
      (services.temporal ? ` (temporal-server, PostgreSQL persistence and visibility, ${config.cluster.historyShards} history shards)` : ''),
  );
  say(`  PostgreSQL   ${services.postgres ? `embedded, port ${config.dev.postgresPort}` : 'from DATABASE_URL'}`);
  for (const line of apiTokenLines(auth, config)) say(line);
  if (services.config.security.allowPrivateNetworks) say('  Delivery     to private and loopback addresses allowed (development default)');
  say(`  Logs         ${config.dataDir}/*.log`);
  say('Press Ctrl-C to stop.');
  runUntilSignal(logger, stopAll);
});
