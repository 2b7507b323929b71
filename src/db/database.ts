import { Pool, type PoolClient, type QueryResultRow } from 'pg';

/** Anything that can run a parameterised query: the pool itself or one transaction's client. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * The one way into PostgreSQL: a pool, `query` for single statements and `withTransaction` for
 * several that must commit together (one client per transaction, released in `finally`).
 */
export class Database implements Queryable {
  private readonly pool: Pool;

  constructor(connectionString: string, options: { maxConnections?: number; onIdleClientError?: (error: Error) => void } = {}) {
    this.pool = new Pool({ connectionString, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5_000 });
    // An idle client losing its server must not crash the process: report it; the next query reconnects.
    this.pool.on('error', (error) => options.onIdleClientError?.(error));
  }

  /** Runs one statement with `$n` parameters. */
  async query<R extends QueryResultRow>(text: string, params: readonly unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    const result = await this.pool.query<R>(text, params as unknown[]);
    return { rows: result.rows, rowCount: result.rowCount };
  }

  /** Runs `work` inside BEGIN/COMMIT on a dedicated client; any throw rolls back and rethrows. */
  async withTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    // The pool listens for errors only on idle clients: a server that ends this session mid-transaction
    // (restart, failover, pg_terminate_backend) would otherwise emit an 'error' nobody hears, which ends
    // the process. The failing query rejects on its own; the broken client is destroyed, not pooled.
    let lost: Error | undefined;
    const onError = (error: Error): void => {
      lost = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <R extends QueryResultRow>(text: string, params: readonly unknown[] = []) => {
          const r = await client.query<R>(text, params as unknown[]);
          return { rows: r.rows, rowCount: r.rowCount };
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        lost ??= rollbackError;
      });
      throw error;
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
  }

  /** True when the server answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** Closes every pooled connection. */
  async close(): Promise<void> {
    await this.pool.end();
  }
}
