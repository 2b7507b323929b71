import path from 'node:path';
import type { HookwayConfig } from '../config';
import { startEmbeddedPostgres, type DevPostgres } from '../dev/embedded-postgres';
import { assertPortFree } from '../runtime/ports';
import { resolveClusterPrograms } from './cluster-programs';
import { postgresTargetFrom } from './postgres-target';
import { startTemporalCluster, type RunningTemporalCluster } from './temporal-cluster';
import { portsAround } from './temporal-server-config';

/** The services `npm run start:cluster` runs itself, and what to tell the user about them. */
export interface ClusterServices {
  /** The configuration with the started services' addresses filled in. */
  config: HookwayConfig;
  postgres?: DevPostgres;
  temporal?: RunningTemporalCluster;
  /** Stops Temporal first (it may still be writing), then PostgreSQL. */
  stop(): Promise<void>;
}

/**
 * Starts what the configuration leaves to Hookway: the embedded PostgreSQL (data in `<dataDir>/postgres`)
 * unless `DATABASE_URL` is set, and a Temporal cluster with its Web UI unless `TEMPORAL_ADDRESS` is set.
 * Temporal's databases go on the same PostgreSQL server as Hookway's, as databases of their own.
 */
export async function startClusterServices(config: HookwayConfig, report: (line: string) => void): Promise<ClusterServices> {
  // The Temporal processes run in groups of their own already (SupervisedProcess); PostgreSQL joins them
  // so Ctrl-C reaches only this process, which stops the fleet before the database under it.
  let postgres: DevPostgres | undefined;
  let temporal: RunningTemporalCluster | undefined;
  const stop = async (): Promise<void> => {
    await temporal?.stop();
    await postgres?.stop();
  };
  try {
    const ports = portsAround(config.dev.temporalPort);
    if (!config.temporal.addressFromEnv) {
      for (const [name, port] of Object.entries({ frontend: ports.frontend, history: ports.history, matching: ports.matching, worker: ports.worker })) {
        await assertPortFree(port, `the Temporal server's ${name} service`, 'HOOKWAY_TEMPORAL_PORT (the others sit next to it)');
      }
      await assertPortFree(config.dev.temporalUiPort, 'the Temporal Web UI', 'HOOKWAY_TEMPORAL_UI_PORT');
    }
    if (!config.database.urlFromEnv) {
      await assertPortFree(config.dev.postgresPort, 'the embedded PostgreSQL', 'HOOKWAY_EMBEDDED_PG_PORT (or DATABASE_URL)');
      report('Starting the embedded PostgreSQL...');
      postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.dev.postgresPort, report, ownProcessGroup: true });
    }
    const databaseUrl = postgres?.url ?? config.database.url;
    if (!config.temporal.addressFromEnv) {
      const programs = await resolveClusterPrograms(report);
      temporal = await startTemporalCluster({
        programs,
        dir: path.join(config.dataDir, 'temporal'),
        postgres: postgresTargetFrom(databaseUrl),
        ports,
        uiPort: config.dev.temporalUiPort,
        namespace: config.temporal.namespace,
        retentionMs: config.retention.periodMs,
        historyShards: config.cluster.historyShards,
        report,
      });
    }
    return {
      config: {
        ...config,
        database: { ...config.database, url: databaseUrl },
        temporal: { ...config.temporal, address: temporal?.address ?? config.temporal.address, uiUrl: temporal?.uiUrl ?? config.temporal.uiUrl },
      },
      postgres,
      temporal,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
