import { ConfigError, readBool, readString, type Env } from './env';

/** Where Hookway's tables live. */
export interface DatabaseSettings {
  /** `DATABASE_URL`: PostgreSQL to use; unset means `npm start` runs the embedded one. */
  url: string;
  /** True when `DATABASE_URL` was given, so no embedded PostgreSQL is started. */
  urlFromEnv: boolean;
  /**
   * `HOOKWAY_DATABASE_PREPARED_STATEMENTS`: statements with parameters are prepared, so each connection
   * parses and plans each of them once. Off for a pooler in transaction mode that cannot keep prepared
   * statements (PgBouncer before 1.21, or with `max_prepared_statements = 0`).
   */
  preparedStatements: boolean;
}

/** Credentials of the embedded PostgreSQL: fixed and local-only, as it listens on loopback alone. */
export const EMBEDDED_POSTGRES = { user: 'hookway', password: 'hookway', database: 'hookway' } as const;

/** The URL of the embedded PostgreSQL on `port`. */
export function embeddedDatabaseUrl(port: number): string {
  const { user, password, database } = EMBEDDED_POSTGRES;
  return `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
}

/** Reads {@link DatabaseSettings}; without `DATABASE_URL`, the embedded server on `embeddedPort`. */
export function readDatabaseSettings(env: Env, embeddedPort: number): DatabaseSettings {
  const url = readString(env, 'DATABASE_URL', embeddedDatabaseUrl(embeddedPort));
  if (!/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  return { url, urlFromEnv: Boolean(env.DATABASE_URL?.trim()), preparedStatements: readBool(env, 'HOOKWAY_DATABASE_PREPARED_STATEMENTS', true) };
}
