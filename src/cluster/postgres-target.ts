/** Where Temporal's databases live: a PostgreSQL server and the credentials to use on it. */
export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Temporal's persistence database (history, tasks, namespaces). */
  database: string;
  /** Temporal's visibility database (workflow lists, search attributes). */
  visibilityDatabase: string;
}

/**
 * Temporal's databases on the server `databaseUrl` points at (Hookway's own database stays separate):
 * the same host, port and credentials, databases `<prefix>` and `<prefix>_visibility`.
 */
export function postgresTargetFrom(databaseUrl: string, prefix = 'temporal'): PostgresTarget {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: prefix,
    visibilityDatabase: `${prefix}_visibility`,
  };
}

/** A URL of `database` on the target's server, for our own checks. */
export function postgresUrl(target: PostgresTarget, database: string): string {
  const url = new URL('postgres://localhost');
  url.hostname = target.host;
  url.port = String(target.port);
  url.username = encodeURIComponent(target.user);
  url.password = encodeURIComponent(target.password);
  url.pathname = `/${database}`;
  return url.toString();
}
