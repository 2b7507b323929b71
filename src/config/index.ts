import path from 'node:path';
import { projectRoot } from '../paths';
import { readAlertSettings, type AlertSettings } from './alerts';
import { readApiSettings, type ApiSettings } from './api';
import { readClusterSettings, type ClusterSettings } from './cluster';
import { readDatabaseSettings, type DatabaseSettings } from './database';
import { readDeliverySettings, type DeliverySettings } from './delivery';
import { readDevServiceSettings, type DevServiceSettings } from './dev-services';
import { readChoice, readString, type Env } from './env';
import { readMetricsSettings, type MetricsSettings } from './metrics';
import { readPortalSettings, type PortalSettings } from './portal';
import { readRetentionSettings, type RetentionSettings } from './retention';
import { readSecuritySettings, type SecuritySettings } from './security';
import { readTemporalSettings, type TemporalSettings } from './temporal';
import { readWorkerSettings, type WorkerSettings } from './worker';

export type { AlertSettings } from './alerts';
export type { ApiSettings } from './api';
export type { ClusterSettings } from './cluster';
export { EMBEDDED_POSTGRES, embeddedDatabaseUrl, type DatabaseSettings } from './database';
export type { DeliverySettings, RetryPolicySettings } from './delivery';
export type { DevServiceSettings } from './dev-services';
export { ConfigError } from './env';
export type { MetricsSettings } from './metrics';
export type { PortalSettings } from './portal';
export type { RetentionSettings } from './retention';
export type { SecuritySettings } from './security';
export type { TemporalSettings, TemporalTlsSettings } from './temporal';
export type { WorkerSettings } from './worker';

/**
 * Every setting Hookway reads, validated once at start-up, grouped by concern. Each group is read in its
 * own file of this folder, and docs/configuration.md has one table per group, checked by
 * test/unit/docs.test.ts against the variables that file reads.
 */
export interface HookwayConfig {
  /** `HOOKWAY_DATA_DIR`: local state (embedded PostgreSQL, Temporal SQLite, generated token and key). @default ".hookway/data" */
  dataDir: string;
  /** `LOG_LEVEL`: pino level. @default "info" */
  logLevel: string;
  api: ApiSettings;
  security: SecuritySettings;
  database: DatabaseSettings;
  temporal: TemporalSettings;
  worker: WorkerSettings;
  delivery: DeliverySettings;
  alerts: AlertSettings;
  retention: RetentionSettings;
  metrics: MetricsSettings;
  portal: PortalSettings;
  dev: DevServiceSettings;
  cluster: ClusterSettings;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Reads and validates every setting from the environment. Call once per process and pass the result on.
 * `development` (npm start) changes one default: private networks are allowed.
 * @throws ConfigError naming the first variable that is out of range.
 */
export function loadConfig(env: Env = process.env, options: { development?: boolean } = {}): HookwayConfig {
  const dev = readDevServiceSettings(env);
  return {
    dataDir: path.resolve(projectRoot(), readString(env, 'HOOKWAY_DATA_DIR', '.hookway/data')),
    logLevel: readChoice(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    api: readApiSettings(env),
    security: readSecuritySettings(env, options.development ?? false),
    database: readDatabaseSettings(env, dev.postgresPort),
    temporal: readTemporalSettings(env, dev),
    worker: readWorkerSettings(env),
    delivery: readDeliverySettings(env),
    alerts: readAlertSettings(env),
    retention: readRetentionSettings(env),
    metrics: readMetricsSettings(env),
    portal: readPortalSettings(env),
    dev,
    cluster: readClusterSettings(env),
  };
}
