import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { loadConfig, type HookwayConfig } from '../../src/config';
import { createLogger } from '../../src/logging/logger';
import { startHookway, type Roles, type RunningHookway } from '../../src/runtime/start-hookway';

/** The error shape every 4xx/5xx carries, and whatever else a loosely typed answer holds. */
export type LooseBody = { error?: { code: string; message: string; field?: string } } & Record<string, unknown>;

/** A JSON answer from the API. */
export interface ApiResponse<T = LooseBody> {
  status: number;
  body: T;
  headers: Headers;
}

/** A Hookway instance of the test's own: fresh database, own task queue, API on a free port. */
export interface TestHookway extends RunningHookway {
  config: HookwayConfig;
  apiUrl: string;
  /** Calls the API; `body` is sent as JSON unless it is already a string. */
  api<T = LooseBody>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** Drops the test database after stopping (and PostgreSQL keeps no trace of this test). */
  dropDatabase(): Promise<void>;
}

function suiteEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with npm test, which starts the services`);
  return value;
}

/** Creates an empty database on the suite's PostgreSQL (or `adminUrl`'s server) and returns its URL. */
export async function createTestDatabase(adminUrl = suiteEnv('DATABASE_URL')): Promise<string> {
  const name = `hookway_t_${randomBytes(6).toString('hex')}`;
  const admin = new PgClient({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by {@link createTestDatabase}, closing whatever connections it still has. */
export async function dropTestDatabase(url: string, adminUrl = suiteEnv('DATABASE_URL')): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new PgClient({ connectionString: adminUrl });
  await admin.connect();
  try {
    // pg's Pool.end() resolves before its connections have closed; a forced drop would cut them mid-close
    // and their clients would throw after the test ended. Give them up to 2 s to leave on their own.
    for (let waited = 0; waited < 2000; waited += 50) {
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Starts Hookway in this process against the suite's Temporal and a fresh PostgreSQL database. `env`
 * overrides settings (as environment variables would).
 */
export async function startTestHookway(env: Record<string, string> = {}, roles: Roles = { api: true, worker: true }): Promise<TestHookway> {
  const databaseUrl = await createTestDatabase();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOOKWAY_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    // A stop waits for idle keep-alive connections to time out (5 s) unless cut sooner; tests stop
    // after their requests are answered, so they need not wait. test/api-drain tests the full drain.
    HOOKWAY_SHUTDOWN_GRACE: '1s',
    ...env,
  });
  const running = await startHookway(config, createLogger('test', config.logLevel), roles);
  const apiUrl = running.apiUrl ?? '';
  return {
    ...running,
    config,
    apiUrl,
    async api(method, path, body, headers = {}) {
      const auth: Record<string, string> = config.security.apiToken ? { authorization: `Bearer ${config.security.apiToken}` } : {};
      const response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: body === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Non-JSON answers (the docs page) are returned as text.
      }
      return { status: response.status, body: parsed as never, headers: response.headers };
    },
    dropDatabase: () => dropTestDatabase(databaseUrl),
  };
}
