import type { HookwayConfig } from '../config';
import { startEmbeddedPostgres, type DevPostgres } from './embedded-postgres';
import { assertPortFree } from '../runtime/ports';
import { startDevTemporal, type DevTemporal } from './temporal-dev-server';

/** The local services `npm start` runs itself, and what to tell the user about them. */
export interface DevServices {
  /** The configuration with the started services' addresses filled in. */
  config: HookwayConfig;
  postgres?: DevPostgres;
  temporal?: DevTemporal;
  /** Stops Temporal first (it may still be writing), then PostgreSQL. */
  stop(): Promise<void>;
}

/**
 * Starts whatever the configuration leaves to Hookway: the embedded PostgreSQL when `DATABASE_URL` is
 * unset, the Temporal dev server when `TEMPORAL_ADDRESS` is unset. Given addresses are used as they are.
 * `ownProcessGroup` (for `npm start`) keeps both out of the terminal's Ctrl-C, so the caller can close
 * its pools and stop its worker before it stops them; without it they share the caller's process group.
 */
export async function startDevServices(
  config: HookwayConfig,
  report: (line: string) => void,
  options: { ownProcessGroup?: boolean } = {},
): Promise<DevServices> {
  let postgres: DevPostgres | undefined;
  let temporal: DevTemporal | undefined;
  const stop = async (): Promise<void> => {
    await temporal?.stop();
    await postgres?.stop();
  };
  try {
    if (!config.temporal.addressFromEnv) {
      await assertPortFree(config.dev.temporalPort, 'the Temporal dev server', 'HOOKWAY_TEMPORAL_PORT (or TEMPORAL_ADDRESS)');
      await assertPortFree(config.dev.temporalUiPort, 'the Temporal Web UI', 'HOOKWAY_TEMPORAL_UI_PORT');
    }
    if (!config.database.urlFromEnv) {
      await assertPortFree(config.dev.postgresPort, 'the embedded PostgreSQL', 'HOOKWAY_EMBEDDED_PG_PORT (or DATABASE_URL)');
      report('Starting the embedded PostgreSQL...');
      postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.dev.postgresPort, report, ownProcessGroup: options.ownProcessGroup });
    }
    if (!config.temporal.addressFromEnv) {
      report('Starting the Temporal dev server...');
      temporal = await startDevTemporal({
        dataDir: config.dataDir,
        port: config.dev.temporalPort,
        uiPort: config.dev.temporalUiPort,
        namespace: config.temporal.namespace,
        retentionMs: config.retention.periodMs,
        report,
        ownProcessGroup: options.ownProcessGroup,
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    config: {
      ...config,
      database: { ...config.database, url: postgres?.url ?? config.database.url },
      temporal: { ...config.temporal, address: temporal?.address ?? config.temporal.address, uiUrl: temporal?.uiUrl ?? config.temporal.uiUrl },
    },
    postgres,
    temporal,
    stop,
  };
}
