import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { resolveClusterPrograms } from '../../src/cluster/cluster-programs';
import { HookwayFleet } from '../../src/cluster/hookway-fleet';
import { postgresTargetFrom, postgresUrl, type PostgresTarget } from '../../src/cluster/postgres-target';
import { startTemporalCluster, type RunningTemporalCluster } from '../../src/cluster/temporal-cluster';
import { MAX_SERVER_PORT, type ClusterPorts } from '../../src/cluster/temporal-server-config';
import { loadConfig } from '../../src/config';
import { freePort, freePortBelow } from '../../src/runtime/ports';
import { connectTemporalClient, type TemporalClientHandle } from '../../src/temporal/connection';
import { createTestDatabase, dropTestDatabase } from './test-hookway';

/** The production topology for one test: a Temporal cluster on the suite's PostgreSQL and a Hookway fleet on it. */
export interface TestCluster {
  temporal: RunningTemporalCluster;
  fleet: HookwayFleet;
  /** History shards of the server. */
  historyShards: number;
  /** Temporal's databases (persistence and visibility) on the suite's PostgreSQL. */
  postgres: PostgresTarget;
  /** A client of the cluster, for visibility queries. */
  temporalClient: TemporalClientHandle;
  apiToken: string;
  /** Headers every `/v1` call needs. */
  apiHeaders: Record<string, string>;
  /** Stops the fleet, then Temporal, and drops every database the cluster made. */
  stop(): Promise<void>;
  /** Last resort on the parent's own exit: SIGKILL to every process without waiting. */
  killNow(): void;
}

/** As `npm run start:cluster` creates by default. */
const HISTORY_SHARDS = 4;

async function clusterPorts(): Promise<ClusterPorts> {
  const port = (): Promise<number> => freePortBelow(MAX_SERVER_PORT + 1);
  return {
    frontend: await port(),
    frontendHttp: await port(),
    history: await port(),
    matching: await port(),
    worker: await port(),
    membership: { frontend: await port(), history: await port(), matching: await port(), worker: await port() },
  };
}

async function dropDatabases(adminUrl: string, names: string[]): Promise<void> {
  const admin = new PgClient({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** The fleet's size, and where the cluster's state goes (the suite's services unless given). */
export interface TestClusterOptions {
  apis: number;
  workers: number;
  /** Given to every Hookway process. */
  env?: NodeJS.ProcessEnv;
  /** A PostgreSQL URL allowed to create databases. @default the suite's DATABASE_URL */
  adminUrl?: string;
  /** Parent folder of the cluster's folder. @default the suite's HOOKWAY_TEST_DATA_DIR */
  parentDir?: string;
}

/**
 * Starts a real Temporal server (databases `temporal_t_<hex>` and `..._visibility` on the suite's
 * PostgreSQL, every port free and on loopback, Web UI included) and `apis` + `workers` Hookway processes
 * against it with a fresh Hookway database. The Go programs must be built already: the suite builds them
 * before any test runs.
 */
export async function startTestCluster(options: TestClusterOptions): Promise<TestCluster> {
  const adminUrl = options.adminUrl ?? process.env.DATABASE_URL ?? '';
  const suiteDir = options.parentDir ?? process.env.HOOKWAY_TEST_DATA_DIR ?? '';
  if (!adminUrl || !suiteDir) throw new Error('DATABASE_URL or HOOKWAY_TEST_DATA_DIR unset: run the tests with npm test');
  const id = randomBytes(4).toString('hex');
  const dir = path.join(suiteDir, `cluster-${id}`);
  fs.mkdirSync(dir, { recursive: true });
  const postgres = postgresTargetFrom(adminUrl, `temporal_t_${id}`);
  const cleanups: (() => Promise<void>)[] = [() => dropDatabases(postgresUrl(postgres, 'postgres'), [postgres.database, postgres.visibilityDatabase])];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const temporal = await startTemporalCluster({
      programs: await resolveClusterPrograms((line) => process.stderr.write(`${line}\n`)),
      dir,
      postgres,
      ports: await clusterPorts(),
      uiPort: await freePort(),
      namespace: 'default',
      historyShards: HISTORY_SHARDS,
      report: () => undefined,
    });
    cleanups.push(() => temporal.stop());
    const databaseUrl = await createTestDatabase(adminUrl);
    cleanups.push(() => dropTestDatabase(databaseUrl, adminUrl));
    const config = {
      ...loadConfig({ ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_UI_URL: temporal.uiUrl }),
      dataDir: dir,
    };
    const apiToken = config.security.apiToken ?? `hw_${randomBytes(18).toString('base64url')}`;
    const fleet = new HookwayFleet({
      config,
      apiPorts: await Promise.all(Array.from({ length: options.apis }, () => freePort())),
      workerMetricsPorts: await Promise.all(Array.from({ length: options.workers }, () => freePort())),
      logDir: dir,
      apiToken,
      encryptionKey: config.security.encryptionKey?.toString('base64') ?? randomBytes(32).toString('base64'),
      // A process the test stops stays stopped; one that dies on its own is a finding.
      restartOnExit: false,
      env: { HOOKWAY_TASK_QUEUE: `cluster-${id}`, LOG_LEVEL: 'warn', ...options.env },
    });
    cleanups.push(() => fleet.stop());
    await fleet.start();
    const temporalClient: TemporalClientHandle = await connectTemporalClient({ address: temporal.address, namespace: 'default' });
    cleanups.push(() => temporalClient.connection.close());
    const killNow = (): void => {
      fleet.killNow();
      temporal.ui.killNow();
      temporal.server.killNow();
    };
    return { temporal, fleet, historyShards: HISTORY_SHARDS, postgres, temporalClient, apiToken, apiHeaders: { authorization: `Bearer ${apiToken}` }, stop, killNow };
  } catch (error) {
    await stop();
    throw error;
  }
}
