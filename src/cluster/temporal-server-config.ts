import fs from 'node:fs';
import path from 'node:path';
import type { PostgresTarget } from './postgres-target';
import { HOOKWAY_SERVER_DYNAMIC_CONFIG } from '../temporal/server-dynamic-config';

/** Every port the one-process Temporal server listens on, all on 127.0.0.1. */
export interface ClusterPorts {
  /** Frontend gRPC: what Hookway, the CLI and the UI connect to. */
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** Ringpop membership ports, one per service. */
  membership: { frontend: number; history: number; matching: number; worker: number };
}

/**
 * Temporal's usual layout around a frontend port: 7233 gives history 7234, matching 7235, worker 7239,
 * HTTP 7243 and membership 6933-6939. Fixed, because the server records its members' addresses in
 * PostgreSQL and a restart on other ports would first try to reach the stale ones.
 */
export function portsAround(frontend: number): ClusterPorts {
  return {
    frontend,
    frontendHttp: frontend + 10,
    history: frontend + 1,
    matching: frontend + 2,
    worker: frontend + 6,
    membership: { frontend: frontend - 300, history: frontend - 299, matching: frontend - 298, worker: frontend - 294 },
  };
}

/** Temporal records its services' ports (gRPC and membership) in PostgreSQL smallint columns. */
export const MAX_SERVER_PORT = 32_767;

/** A port the server cannot use; names the setting that moves it. */
export class ClusterPortError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is above ${MAX_SERVER_PORT}, which Temporal cannot store in PostgreSQL; set HOOKWAY_TEMPORAL_PORT to at most ${MAX_SERVER_PORT - 10}`);
    this.name = 'ClusterPortError';
  }
}

/** What the generated configuration depends on. */
export interface ServerConfigOptions {
  /** Folder for `config/hookway.yaml` and `config/dynamic.yaml`. */
  dir: string;
  ports: ClusterPorts;
  postgres: PostgresTarget;
  /** Fixed at the first start: Temporal cannot change a cluster's shard count later. */
  historyShards: number;
}

function sqlStore(target: PostgresTarget, database: string, maxConns: number) {
  return {
    sql: {
      // The pgx driver; `postgres12` (lib/pq) is the older one with the same schema.
      pluginName: 'postgres12_pgx',
      databaseName: database,
      connectAddr: `${target.host}:${target.port}`,
      connectProtocol: 'tcp',
      user: target.user,
      password: target.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  };
}

function service(grpcPort: number, membershipPort: number, httpPort?: number) {
  return { rpc: { grpcPort, membershipPort, bindOnIP: '127.0.0.1', ...(httpPort ? { httpPort } : {}) } };
}

/**
 * Dynamic config: what Hookway relies on from every server, and visibility queries at 100/s per frontend
 * instead of 10/s (the dev server raises it by itself), since the API and the Web UI list workflows by
 * search attribute.
 */
const DYNAMIC_CONFIG = Object.fromEntries(
  Object.entries({ ...HOOKWAY_SERVER_DYNAMIC_CONFIG, 'frontend.namespaceRPS.visibility': 100 }).map(([key, value]) => [key, [{ value }]]),
);

/**
 * Writes the server's configuration (PostgreSQL persistence and visibility, every service in one
 * process on loopback) and returns the server's `--root`, `--config` and `--env` arguments. Written as
 * JSON, which YAML parsers read as it is, so no YAML library is needed.
 */
export function writeServerConfig(options: ServerConfigOptions): string[] {
  const { ports, postgres } = options;
  const { membership, ...rpc } = ports;
  for (const port of [...Object.values(rpc), ...Object.values(membership)]) if (port > MAX_SERVER_PORT) throw new ClusterPortError(port);
  const configDir = path.join(options.dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const dynamicFile = path.join(configDir, 'dynamic.yaml');
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: options.historyShards,
      datastores: {
        'postgres-default': sqlStore(postgres, postgres.database, 20),
        'postgres-visibility': sqlStore(postgres, postgres.visibilityDatabase, 10),
      },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(ports.frontend, ports.membership.frontend, ports.frontendHttp),
      history: service(ports.history, ports.membership.history),
      matching: service(ports.matching, ports.membership.matching),
      worker: service(ports.worker, ports.membership.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${ports.frontend}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicFile, pollInterval: '10s' },
  };
  // The file holds the database password: readable by this user only.
  fs.writeFileSync(path.join(configDir, 'hookway.yaml'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.writeFileSync(dynamicFile, `${JSON.stringify(DYNAMIC_CONFIG, null, 2)}\n`);
  return ['--root', options.dir, '--config', 'config', '--env', 'hookway'];
}
