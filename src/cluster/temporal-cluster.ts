import fs from 'node:fs';
import path from 'node:path';
import { answers200, temporalAnswers } from '../runtime/readiness';
import { SupervisedProcess } from '../runtime/supervised-process';
import type { ClusterPrograms } from './cluster-programs';
import type { PostgresTarget } from './postgres-target';
import { prepareNamespace } from './temporal-namespace';
import { ensureTemporalSchema } from './temporal-schema';
import { writeServerConfig, type ClusterPorts } from './temporal-server-config';

/** What a local Temporal cluster is made of and where it keeps its files. */
export interface TemporalClusterOptions {
  programs: ClusterPrograms;
  /** Folder for the generated configuration and the logs. */
  dir: string;
  postgres: PostgresTarget;
  ports: ClusterPorts;
  uiPort: number;
  namespace: string;
  /** How long the namespace keeps closed workflows: Hookway's retention (`HOOKWAY_RETENTION`). @default 30 days */
  retentionMs?: number;
  historyShards: number;
  report: (line: string) => void;
}

/** A running Temporal server with its Web UI, and the one way to stop both. */
export interface RunningTemporalCluster {
  /** Frontend gRPC address. */
  address: string;
  uiUrl: string;
  server: SupervisedProcess;
  ui: SupervisedProcess;
  /** Stops the UI, then the server. */
  stop(): Promise<void>;
}

/** The UI server's configuration: the same settings the CLI's dev server passes it in code. */
function writeUiConfig(dir: string, options: { uiPort: number; address: string; namespace: string }): string[] {
  const configDir = path.join(dir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const config = {
    host: '127.0.0.1',
    port: options.uiPort,
    temporalGrpcAddress: options.address,
    enableUi: true,
    defaultNamespace: options.namespace,
    cors: { cookieInsecure: true },
    hideLogs: true,
  };
  fs.writeFileSync(path.join(configDir, 'hookway.yaml'), `${JSON.stringify(config, null, 2)}\n`);
  return ['--root', dir, '--config', 'config', '--env', 'hookway', 'start'];
}

/**
 * Starts a real Temporal server (every service in one process) on PostgreSQL persistence and
 * visibility, its schema made or migrated first with `temporal-sql-tool`; registers the namespace and
 * Hookway's search attributes; then starts the Web UI against it.
 */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<RunningTemporalCluster> {
  const { programs, report } = options;
  fs.mkdirSync(options.dir, { recursive: true });
  await ensureTemporalSchema(programs.sqlTool, options.postgres, report);
  const address = `127.0.0.1:${options.ports.frontend}`;
  const server = new SupervisedProcess({
    name: 'temporal-server',
    command: programs.server,
    args: [
      ...writeServerConfig({ dir: path.join(options.dir, 'server'), ports: options.ports, postgres: options.postgres, historyShards: options.historyShards }),
      // Loopback only, like the dev server; a real deployment configures an authorizer and TLS.
      '--allow-no-auth',
      'start',
    ],
    env: process.env,
    logFile: path.join(options.dir, 'temporal-server.log'),
    ready: () => temporalAnswers(address),
    readyTimeoutMs: 120_000,
    restartOnExit: false,
  });
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  const ui = new SupervisedProcess({
    name: 'temporal-ui',
    command: programs.uiServer,
    args: writeUiConfig(path.join(options.dir, 'ui'), { uiPort: options.uiPort, address, namespace: options.namespace }),
    env: process.env,
    logFile: path.join(options.dir, 'temporal-ui.log'),
    ready: () => answers200(uiUrl),
    readyTimeoutMs: 30_000,
    restartOnExit: true,
  });
  const stop = async (): Promise<void> => {
    await ui.stop();
    await server.stop(20_000);
  };
  try {
    report(`Starting the Temporal server (PostgreSQL ${options.postgres.host}:${options.postgres.port}, ${options.historyShards} history shards)...`);
    await server.start();
    report(`Registering namespace ${options.namespace} and Hookway's search attributes...`);
    await prepareNamespace(address, options.namespace, options.retentionMs);
    report('Starting the Temporal Web UI...');
    await ui.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, uiUrl, server, ui, stop };
}
