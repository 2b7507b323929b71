import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseDuration } from './domain/duration';
import { projectRoot } from './paths';

/** Retry schedule applied to an endpoint's deliveries (the field report's default: 5 retries, 60 s first). */
export interface RetryPolicySettings {
  /** Total attempts including the first. @default 6 */
  maxAttempts: number;
  /** Delay before the first retry, in ms. @default 60000 */
  initialIntervalMs: number;
  /** Multiplier applied to the delay after each retry. @default 2 */
  backoffCoefficient: number;
  /** Upper bound of any single delay, in ms. @default 3600000 */
  maxIntervalMs: number;
}

/** TLS to the Temporal frontend (Temporal Cloud, or a self-hosted cluster with TLS). */
export interface TemporalTlsSettings {
  /** `TEMPORAL_TLS_CERT`: client certificate (PEM file) for mTLS; with `TEMPORAL_TLS_KEY`. */
  certFile?: string;
  /** `TEMPORAL_TLS_KEY`: its private key (PEM file). */
  keyFile?: string;
  /** `TEMPORAL_TLS_CA`: CA that signed the server's certificate (PEM file), when not a public one. @default system roots */
  caFile?: string;
  /** `TEMPORAL_TLS_SERVER_NAME`: name to verify the server's certificate against. @default the address's host */
  serverName?: string;
}

/** Every setting Hookway reads, validated once at start-up. docs/configuration.md lists the same table, checked by test/unit/docs.test.ts. */
export interface HookwayConfig {
  /** `PORT`: HTTP port of the API. @default 3000 */
  port: number;
  /** `HOST`: interface the API binds to. @default "127.0.0.1" */
  host: string;
  /** `HOOKWAY_DATA_DIR`: local state (embedded PostgreSQL, Temporal SQLite, cached binaries). @default ".hookway/data" */
  dataDir: string;
  /** `DATABASE_URL`: PostgreSQL to use; unset means `npm start` runs the embedded one. */
  databaseUrl: string;
  /** True when `DATABASE_URL` was given, so no embedded PostgreSQL is started. */
  databaseUrlFromEnv: boolean;
  /** `HOOKWAY_EMBEDDED_PG_PORT`: port of the embedded PostgreSQL. @default 54329 */
  embeddedPostgresPort: number;
  /** `TEMPORAL_ADDRESS`: Temporal frontend; unset means `npm start` runs a dev server on `127.0.0.1:HOOKWAY_TEMPORAL_PORT`. */
  temporalAddress: string;
  /** True when `TEMPORAL_ADDRESS` was given, so no dev server is started. */
  temporalAddressFromEnv: boolean;
  /** `TEMPORAL_NAMESPACE`. @default "default" */
  temporalNamespace: string;
  /** TLS to Temporal: on with `TEMPORAL_TLS=true`, a client certificate, or an API key; undefined is plaintext. */
  temporalTls: TemporalTlsSettings | undefined;
  /** `TEMPORAL_API_KEY`: sent as `Authorization: Bearer` on every Temporal call (Temporal Cloud API keys). Implies TLS. */
  temporalApiKey: string | undefined;
  /** `TEMPORAL_UI_URL`: Web UI base used in printed and returned links. @default "http://127.0.0.1:8233" with the dev server */
  temporalUiUrl: string;
  /** `HOOKWAY_TEMPORAL_PORT`: gRPC port of the dev server `npm start` runs. @default 7233 */
  temporalDevPort: number;
  /** `HOOKWAY_TEMPORAL_UI_PORT`: Web UI port of that dev server. @default 8233 */
  temporalUiPort: number;
  /** `HOOKWAY_TASK_QUEUE`: task queue of delivery and dead-letter workflows. @default "hookway-deliveries" */
  taskQueue: string;
  /** `HOOKWAY_API_TOKEN`: bearer token every `/v1` request must carry. `npm start` generates one when unset. */
  apiToken: string | undefined;
  /** `HOOKWAY_INSECURE_NO_AUTH`: `true` runs the API without a token (development only; logged loudly). @default false */
  insecureNoAuth: boolean;
  /** `HOOKWAY_ALLOW_PRIVATE_NETWORKS`: deliver to loopback/private/link-local addresses. @default false (true under `npm start`) */
  allowPrivateNetworks: boolean;
  /** `HOOKWAY_ALLOWED_CIDRS`: comma-separated ranges delivered to even though they are private. @default none */
  allowedCidrs: string[];
  /** `HOOKWAY_DNS_SERVERS`: comma-separated DNS servers (`ip` or `ip:port`, `[ipv6]:port`) that resolve endpoint hosts. @default the system's (/etc/resolv.conf) */
  dnsServers: string[] | undefined;
  /** `HOOKWAY_DNS_TIMEOUT_MS`: deadline of one host-name resolution, within the attempt's own `timeoutMs`. @default 5000 */
  dnsTimeoutMs: number;
  /** `HOOKWAY_ENCRYPTION_KEY`: base64 of 32 bytes encrypting endpoint secrets and headers at rest. @default generated in the data dir */
  encryptionKey: Buffer | undefined;
  /** `HOOKWAY_SECRET_ROTATION_OVERLAP`: how long the old secret keeps signing after a rotation. @default 24h */
  secretRotationOverlapMs: number;
  /** `HOOKWAY_MAX_PAYLOAD_BYTES`: largest accepted request body. @default 262144 */
  maxPayloadBytes: number;
  /** `HOOKWAY_DEFAULT_TIMEOUT_MS`: per-attempt deadline for endpoints that set none. @default 15000 */
  defaultTimeoutMs: number;
  /**
   * `HOOKWAY_MAX_CONCURRENT_ACTIVITIES`: first attempts (local activities) one worker runs at once, and as
   * many retries and bookkeeping activities. @default 100
   */
  maxConcurrentActivities: number;
  /**
   * `HOOKWAY_MAX_CACHED_WORKFLOWS`: workflows one worker keeps in memory between their tasks. Deliveries
   * waiting for a retry wait in Temporal; past this many the worker replays them when they wake, so its
   * memory stays flat however many wait. 0 keeps none: every task replays its workflow's history. @default 500
   */
  maxCachedWorkflows: number;
  /** Retry schedule of endpoints that set none (`HOOKWAY_RETRY_*`). */
  defaultRetryPolicy: RetryPolicySettings;
  /** `HOOKWAY_ALERT_URL`: where operational alerts are POSTed (signed like webhooks). Optional. */
  alertUrl: string | undefined;
  /** `HOOKWAY_ALERT_SECRET`: `whsec_` secret that signs alerts; required with `HOOKWAY_ALERT_URL`. */
  alertSecret: string | undefined;
  /** `HOOKWAY_DLQ_ALERT_THRESHOLD`: an endpoint's dead-letter count that raises an alert. @default 100 */
  deadLetterAlertThreshold: number;
  /** `HOOKWAY_DISABLE_AFTER`: disable an endpoint whose deliveries all failed this long (`5d`, `12h`, `30s`, ms). @default 5d */
  disableAfterMs: number;
  /**
   * `HOOKWAY_CIRCUIT_THRESHOLD`: failed attempts in a row (no success between) that open an endpoint's
   * circuit, parking its deliveries until a probe succeeds; 0 never opens it. @default 20
   */
  circuitThreshold: number;
  /** `HOOKWAY_CIRCUIT_RELEASE_PER_SECOND`: parked deliveries released per second once a circuit closes. @default 100 */
  circuitReleasePerSecond: number;
  /** `HOOKWAY_REDRIVE_INTERVAL_MS`: pause between two redriven dead letters of one endpoint. @default 1000 */
  redriveIntervalMs: number;
  /** `HOOKWAY_ORPHAN_SWEEP_INTERVAL`: how often workers look for stored deliveries whose workflow never started. @default 30s */
  orphanSweepIntervalMs: number;
  /**
   * `HOOKWAY_SHUTDOWN_GRACE`: on SIGTERM, how long an API keeps answering the requests it already
   * received (and the keep-alive connections they came on) before it cuts what is left. @default 8s
   */
  shutdownGraceMs: number;
  /**
   * `HOOKWAY_RETENTION`: how long a message is kept once every delivery of it is done (succeeded, or
   * dead-lettered and that dead letter resolved); then it goes with its deliveries and attempts. Resolved
   * dead letters, idle ordering streams and the Temporal namespace's closed workflows follow the same
   * period. Pending deliveries and open dead letters are never deleted. @default 30d
   */
  retentionMs: number;
  /** `HOOKWAY_RETENTION_BATCH_SIZE`: messages (or dead letters, or streams) deleted per statement. @default 1000 */
  retentionBatchSize: number;
  /**
   * `HOOKWAY_METRICS_EVENT_TYPES`: distinct `event_type` label values one process reports, the first seen;
   * later ones are reported as `other`, so caller-chosen strings cannot grow the series. 0 reports all as `other`. @default 50
   */
  metricsEventTypes: number;
  /** `HOOKWAY_METRICS_PER_ENDPOINT`: `false` drops the `endpoint_id` label, for deployments with many endpoints. @default true */
  metricsPerEndpoint: boolean;
  /** `HOOKWAY_WORKER_METRICS_PORT`: where a worker running without the API serves `/metrics`. @default 9464 */
  workerMetricsPort: number;
  /** `HOOKWAY_WORKERS`: worker processes `npm run start:cluster` starts. @default 3 */
  clusterWorkers: number;
  /** `HOOKWAY_APIS`: API processes `npm run start:cluster` starts, on `PORT`, `PORT+1`, ... @default 2 */
  clusterApis: number;
  /** `HOOKWAY_TEMPORAL_HISTORY_SHARDS`: history shards of the cluster `start:cluster` creates; fixed at its first start. @default 4 */
  temporalHistoryShards: number;
  /** `LOG_LEVEL`: pino level. @default "info" */
  logLevel: string;
}

/** A setting that is present but unusable; names the environment variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readString(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function readCidrs(env: Env, name: string): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  const cidrs = raw.split(',').map((c) => c.trim()).filter(Boolean);
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address);
    if (!family || !/^\d+$/.test(bits ?? '') || Number(bits) > (family === 4 ? 32 : 128)) {
      throw new ConfigError(name, `has "${cidr}", which is not an address/prefix range like 10.0.0.0/8`);
    }
  }
  return cidrs;
}

function readDnsServers(env: Env, name: string): string[] | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const servers = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const server of servers) {
    const match = /^\[(.+)\]:(\d+)$/.exec(server) ?? /^([^:]+):(\d+)$/.exec(server) ?? [server, server, '53'];
    if (!isIP(match[1]) || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError(name, `has "${server}", which is not an IP address with an optional port, like 10.0.0.2 or 127.0.0.1:5353`);
    }
  }
  return servers;
}

function readKey(env: Env, name: string): Buffer | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) throw new ConfigError(name, 'must be base64 of exactly 32 bytes (openssl rand -base64 32)');
  return key;
}

function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(name, `must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function readDuration(env: Env, name: string, fallbackMs: number, minMs: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallbackMs;
  const ms = parseDuration(raw);
  if (ms === undefined) throw new ConfigError(name, `must be a duration like 5d, 12h, 30m, 10s or a number of ms, got "${raw}"`);
  if (ms < minMs) throw new ConfigError(name, `must be at least ${minMs} ms, got "${raw}"`);
  return ms;
}

function readFile(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  if (!fs.existsSync(raw)) throw new ConfigError(name, `names a file that does not exist: "${raw}"`);
  return raw;
}

/** TLS is on when asked for, or implied by a client certificate or an API key (Temporal Cloud needs TLS). */
function readTemporalTls(env: Env, apiKey: string | undefined): TemporalTlsSettings | undefined {
  const certFile = readFile(env, 'TEMPORAL_TLS_CERT');
  const keyFile = readFile(env, 'TEMPORAL_TLS_KEY');
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError(certFile ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT', 'is required with the other one: mTLS needs the certificate and its key');
  }
  const caFile = readFile(env, 'TEMPORAL_TLS_CA');
  const serverName = env.TEMPORAL_TLS_SERVER_NAME?.trim() || undefined;
  const explicit = env.TEMPORAL_TLS?.trim() ? readBool(env, 'TEMPORAL_TLS', false) : undefined;
  if (explicit === false && (certFile || caFile || apiKey)) {
    throw new ConfigError('TEMPORAL_TLS', 'is false, but a certificate, CA or API key is set, which need TLS');
  }
  if (!(explicit || certFile || caFile || serverName || apiKey)) return undefined;
  return { certFile, keyFile, caFile, serverName };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Credentials of the embedded PostgreSQL: fixed and local-only, as it listens on loopback alone. */
export const EMBEDDED_POSTGRES = { user: 'hookway', password: 'hookway', database: 'hookway' } as const;

/** The URL of the embedded PostgreSQL on `port`. */
export function embeddedDatabaseUrl(port: number): string {
  const { user, password, database } = EMBEDDED_POSTGRES;
  return `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
}

/**
 * Reads and validates every setting from the environment. Call once per process and pass the result on.
 * `development` (npm start) changes one default: private networks are allowed.
 * @throws ConfigError naming the first variable that is out of range.
 */
export function loadConfig(env: Env = process.env, options: { development?: boolean } = {}): HookwayConfig {
  const dataDir = path.resolve(projectRoot(), readString(env, 'HOOKWAY_DATA_DIR', '.hookway/data'));
  const embeddedPostgresPort = readInt(env, 'HOOKWAY_EMBEDDED_PG_PORT', 54329, 1, 65535);
  const databaseUrlFromEnv = Boolean(env.DATABASE_URL?.trim());
  const databaseUrl = readString(env, 'DATABASE_URL', embeddedDatabaseUrl(embeddedPostgresPort));
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  const temporalDevPort = readInt(env, 'HOOKWAY_TEMPORAL_PORT', 7233, 1, 65535);
  const temporalAddressFromEnv = Boolean(env.TEMPORAL_ADDRESS?.trim());
  const temporalAddress = readString(env, 'TEMPORAL_ADDRESS', `127.0.0.1:${temporalDevPort}`);
  if (!/^[^\s:]+:\d+$/.test(temporalAddress)) {
    throw new ConfigError('TEMPORAL_ADDRESS', `must be host:port, got "${temporalAddress}"`);
  }
  const temporalUiPort = readInt(env, 'HOOKWAY_TEMPORAL_UI_PORT', 8233, 1, 65535);
  const temporalApiKey = env.TEMPORAL_API_KEY?.trim() || undefined;
  const logLevel = readString(env, 'LOG_LEVEL', 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  const defaultRetryPolicy: RetryPolicySettings = {
    maxAttempts: readInt(env, 'HOOKWAY_RETRY_MAX_ATTEMPTS', 6, 1, 100),
    initialIntervalMs: readInt(env, 'HOOKWAY_RETRY_INITIAL_INTERVAL_MS', 60_000, 1, 86_400_000),
    backoffCoefficient: readNumber(env, 'HOOKWAY_RETRY_BACKOFF_COEFFICIENT', 2, 1, 100),
    maxIntervalMs: readInt(env, 'HOOKWAY_RETRY_MAX_INTERVAL_MS', 3_600_000, 1, 7 * 86_400_000),
  };
  if (defaultRetryPolicy.maxIntervalMs < defaultRetryPolicy.initialIntervalMs) {
    throw new ConfigError('HOOKWAY_RETRY_MAX_INTERVAL_MS', 'must not be below HOOKWAY_RETRY_INITIAL_INTERVAL_MS');
  }
  const alertUrl = env.HOOKWAY_ALERT_URL?.trim() || undefined;
  const alertSecret = env.HOOKWAY_ALERT_SECRET?.trim() || undefined;
  if (alertUrl && !/^https?:\/\//.test(alertUrl)) throw new ConfigError('HOOKWAY_ALERT_URL', 'must be an http(s) URL');
  if (alertUrl && !alertSecret) throw new ConfigError('HOOKWAY_ALERT_SECRET', 'is required with HOOKWAY_ALERT_URL, so receivers can verify alerts');
  if (alertSecret && !/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(alertSecret)) {
    throw new ConfigError('HOOKWAY_ALERT_SECRET', 'must be "whsec_" followed by base64 of at least 24 bytes');
  }
  return {
    port: readInt(env, 'PORT', 3000, 0, 65535),
    host: readString(env, 'HOST', '127.0.0.1'),
    dataDir,
    databaseUrl,
    databaseUrlFromEnv,
    embeddedPostgresPort,
    temporalAddress,
    temporalAddressFromEnv,
    temporalNamespace: readString(env, 'TEMPORAL_NAMESPACE', 'default'),
    temporalTls: readTemporalTls(env, temporalApiKey),
    temporalApiKey,
    temporalUiUrl: readString(env, 'TEMPORAL_UI_URL', `http://127.0.0.1:${temporalUiPort}`).replace(/\/+$/, ''),
    temporalDevPort,
    temporalUiPort,
    taskQueue: readString(env, 'HOOKWAY_TASK_QUEUE', 'hookway-deliveries'),
    apiToken: env.HOOKWAY_API_TOKEN?.trim() || undefined,
    insecureNoAuth: readBool(env, 'HOOKWAY_INSECURE_NO_AUTH', false),
    // npm start is for development, where receivers on this machine are the point; servers default safe.
    allowPrivateNetworks: readBool(env, 'HOOKWAY_ALLOW_PRIVATE_NETWORKS', options.development ?? false),
    allowedCidrs: readCidrs(env, 'HOOKWAY_ALLOWED_CIDRS'),
    dnsServers: readDnsServers(env, 'HOOKWAY_DNS_SERVERS'),
    dnsTimeoutMs: readInt(env, 'HOOKWAY_DNS_TIMEOUT_MS', 5_000, 100, 60_000),
    encryptionKey: readKey(env, 'HOOKWAY_ENCRYPTION_KEY'),
    secretRotationOverlapMs: readDuration(env, 'HOOKWAY_SECRET_ROTATION_OVERLAP', 86_400_000, 0),
    maxPayloadBytes: readInt(env, 'HOOKWAY_MAX_PAYLOAD_BYTES', 262_144, 1024, 16 * 1024 * 1024),
    defaultTimeoutMs: readInt(env, 'HOOKWAY_DEFAULT_TIMEOUT_MS', 15_000, 100, 300_000),
    maxConcurrentActivities: readInt(env, 'HOOKWAY_MAX_CONCURRENT_ACTIVITIES', 100, 1, 10_000),
    maxCachedWorkflows: readInt(env, 'HOOKWAY_MAX_CACHED_WORKFLOWS', 500, 0, 100_000),
    defaultRetryPolicy,
    alertUrl,
    alertSecret,
    deadLetterAlertThreshold: readInt(env, 'HOOKWAY_DLQ_ALERT_THRESHOLD', 100, 1, 1_000_000),
    disableAfterMs: readDuration(env, 'HOOKWAY_DISABLE_AFTER', 5 * 86_400_000, 1_000),
    circuitThreshold: readInt(env, 'HOOKWAY_CIRCUIT_THRESHOLD', 20, 0, 1_000_000),
    circuitReleasePerSecond: readInt(env, 'HOOKWAY_CIRCUIT_RELEASE_PER_SECOND', 100, 1, 100_000),
    redriveIntervalMs: readInt(env, 'HOOKWAY_REDRIVE_INTERVAL_MS', 1000, 0, 3_600_000),
    orphanSweepIntervalMs: readDuration(env, 'HOOKWAY_ORPHAN_SWEEP_INTERVAL', 30_000, 100),
    shutdownGraceMs: readDuration(env, 'HOOKWAY_SHUTDOWN_GRACE', 8_000, 0),
    retentionMs: readDuration(env, 'HOOKWAY_RETENTION', 30 * 86_400_000, 1_000),
    retentionBatchSize: readInt(env, 'HOOKWAY_RETENTION_BATCH_SIZE', 1000, 1, 100_000),
    metricsEventTypes: readInt(env, 'HOOKWAY_METRICS_EVENT_TYPES', 50, 0, 10_000),
    metricsPerEndpoint: readBool(env, 'HOOKWAY_METRICS_PER_ENDPOINT', true),
    workerMetricsPort: readInt(env, 'HOOKWAY_WORKER_METRICS_PORT', 9464, 0, 65535),
    clusterWorkers: readInt(env, 'HOOKWAY_WORKERS', 3, 1, 64),
    clusterApis: readInt(env, 'HOOKWAY_APIS', 2, 1, 64),
    temporalHistoryShards: readInt(env, 'HOOKWAY_TEMPORAL_HISTORY_SHARDS', 4, 1, 16_384),
    logLevel,
  };
}
