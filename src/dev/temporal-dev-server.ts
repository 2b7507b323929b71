import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HOOKWAY_SEARCH_ATTRIBUTES } from '../../workflows/definitions';
import { connectTemporalClient } from '../temporal/connection';
import { matchNamespaceRetention } from '../temporal/namespace-retention';
import { HOOKWAY_SERVER_DYNAMIC_CONFIG } from '../temporal/server-dynamic-config';
import { stopChild } from './stop-child';
import { resolveTemporalBinary, TemporalBinaryUnavailableError } from './temporal-binary';

/** A local Temporal server this process started and must stop. */
export interface DevTemporal {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/** Where and how to run the dev server. */
export interface DevTemporalOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  /** How long the namespace keeps closed workflows: Hookway's retention (`HOOKWAY_RETENTION`). @default the server's (1 day) */
  retentionMs?: number;
  report: (line: string) => void;
  /**
   * Run the server in a process group of its own, so Ctrl-C in the terminal reaches only Hookway, which
   * stops its worker before the server. @default false
   */
  ownProcessGroup?: boolean;
}

/**
 * Flags for the dev server: its single SQLite connection made cheaper per write by write-ahead logging
 * with `synchronous=NORMAL` (no fsync per commit; a killed process loses nothing, a power cut may lose the
 * last commits, which a dev server can afford), and the dynamic config Hookway relies on.
 */
export const DEV_SERVER_TUNING_ARGS = [
  '--sqlite-pragma', 'journal_mode=wal',
  '--sqlite-pragma', 'synchronous=normal',
  ...Object.entries(HOOKWAY_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]),
];

async function startFromBinary(binary: string, options: DevTemporalOptions): Promise<DevTemporal> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const logFile = path.join(options.dataDir, 'temporal.log');
  const log = fs.openSync(logFile, 'a');
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(options.port),
    '--ui-port', String(options.uiPort),
    '--db-filename', path.join(options.dataDir, 'temporal.sqlite'),
    '--log-level', 'warn',
    ...DEV_SERVER_TUNING_ARGS,
    ...(options.namespace === 'default' ? [] : ['--namespace', options.namespace]),
    ...HOOKWAY_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', log, log], detached: options.ownProcessGroup ?? false });
  fs.closeSync(log);
  // Out of the terminal's reach, it must still not outlive this process.
  const onExit = (): void => void child.kill('SIGTERM');
  process.on('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  const address = `127.0.0.1:${options.port}`;
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`temporal server start-dev exited (${signal ?? code}) before it was ready; see ${logFile}`)),
    );
    child.once('error', reject);
  });
  exited.catch(() => undefined); // observed by the race below; after that an exit is a normal stop
  try {
    const { connection } = await Promise.race([connectTemporalClient({ address, namespace: options.namespace }, 60_000), exited]);
    await connection.close();
  } catch (error) {
    await stopChild(child, 'SIGTERM', 2_000);
    throw error;
  }
  return { address, uiUrl: `http://127.0.0.1:${options.uiPort}`, stop: () => stopChild(child, 'SIGTERM', 10_000) };
}

async function startFromSdkDownload(options: DevTemporalOptions): Promise<DevTemporal> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: options.port,
      uiPort: options.uiPort,
      dbFilename: path.join(options.dataDir, 'temporal.sqlite'),
      namespace: options.namespace,
      searchAttributes: [...HOOKWAY_SEARCH_ATTRIBUTES],
      executable: { type: 'cached-download', downloadDir: path.join(options.dataDir, '..', 'temporal-download') },
    },
  });
  return { address: `127.0.0.1:${options.port}`, uiUrl: `http://127.0.0.1:${options.uiPort}`, stop: () => env.teardown() };
}

/**
 * Starts `temporal server start-dev` with its SQLite file under the data dir, the Web UI and Hookway's
 * search attributes, and waits until it answers. Without a binary and without Go it falls back to the
 * SDK's own download of the dev server; when that fails too it throws a message that says what to do.
 */
export async function startDevTemporal(options: DevTemporalOptions): Promise<DevTemporal> {
  const server = await startEitherWay(options);
  if (options.retentionMs === undefined) return server;
  try {
    // start-dev has no flag for it: the namespace is created with a day's retention, then updated.
    const { connection } = await connectTemporalClient({ address: server.address, namespace: options.namespace }, 10_000);
    try {
      await matchNamespaceRetention(connection, options.namespace, options.retentionMs);
    } finally {
      await connection.close();
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function startEitherWay(options: DevTemporalOptions): Promise<DevTemporal> {
  const binary = await resolveTemporalBinary(options.report);
  if (binary) return startFromBinary(binary, options);
  options.report('No temporal binary and no Go toolchain: trying the Temporal SDK download of the dev server...');
  try {
    return await startFromSdkDownload(options);
  } catch (error) {
    throw new TemporalBinaryUnavailableError(`The download failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
