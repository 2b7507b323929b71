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
    if (!config.temporalAddressFromEnv) {
      await assertPortFree(config.temporalDevPort, 'the Temporal dev server', 'HOOKWAY_TEMPORAL_PORT (or TEMPORAL_ADDRESS)');
      await assertPortFree(config.temporalUiPort, 'the Temporal Web UI', 'HOOKWAY_TEMPORAL_UI_PORT');
    }
    if (!config.databaseUrlFromEnv) {
      await assertPortFree(config.embeddedPostgresPort, 'the embedded PostgreSQL', 'HOOKWAY_EMBEDDED_PG_PORT (or DATABASE_URL)');
      report('Starting the embedded PostgreSQL...');
      postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, report, ownProcessGroup: options.ownProcessGroup });
    }
    if (!config.temporalAddressFromEnv) {
      report('Starting the Temporal dev server...');
      temporal = await startDevTemporal({
        dataDir: config.dataDir,
        port: config.temporalDevPort,
        uiPort: config.temporalUiPort,
        namespace: config.temporalNamespace,
        retentionMs: config.retentionMs,
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
      databaseUrl: postgres?.url ?? config.databaseUrl,
      temporalAddress: temporal?.address ?? config.temporalAddress,
      temporalUiUrl: temporal?.uiUrl ?? config.temporalUiUrl,
    },
    postgres,
    temporal,
    stop,
  };
}
