import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';

/** Anything that can run a parameterised query: the pool itself or one transaction's client. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

/**
 * Distinct statement texts a process prepares; later ones run unprepared. Statements are written as
 * constants or from a few fragments, so a process meets a few dozen; the bound keeps a text built from
 * data from filling every connection's memory with plans.
 */
const MAX_PREPARED_TEXTS = 200;

/**
 * Rethrows `error`, saying what to do when it is a prepared statement the server does not have, or has
 * twice: what a pooler in transaction mode that does not keep prepared statements answers.
 */
function explainPreparedFailure(error: unknown): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && (code === '26000' || code === '42P05') && error.message.includes('"hookway_')) {
    error.message += ' (behind a pooler in transaction mode that does not keep prepared statements, set HOOKWAY_DATABASE_PREPARED_STATEMENTS=false)';
  }
  throw error;
}

/** How {@link Database} connects. */
export interface DatabaseOptions {
  maxConnections?: number;
  onIdleClientError?: (error: Error) => void;
  /** Prepare statements with parameters (see `HOOKWAY_DATABASE_PREPARED_STATEMENTS`); default true. */
  preparedStatements?: boolean;
}

/**
 * The one way into PostgreSQL: a pool, `query` for single statements and `withTransaction` for
 * several that must commit together (one client per transaction, released in `finally`). Statements
 * with parameters are prepared under a name derived from their text: each connection parses and plans
 * one once, then only binds and executes it (PostgreSQL re-plans it itself when a table it reads changes).
 */
export class Database implements Queryable {
  private readonly pool: Pool;
  private readonly names: Map<string, string> | undefined;

  constructor(connectionString: string, options: DatabaseOptions = {}) {
    this.pool = new Pool({ connectionString, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5_000 });
    // An idle client losing its server must not crash the process: report it; the next query reconnects.
    this.pool.on('error', (error) => options.onIdleClientError?.(error));
    this.names = options.preparedStatements === false ? undefined : new Map();
  }

  /** Runs one statement with `$n` parameters. */
  async query<R extends QueryResultRow>(text: string, params: readonly unknown[] = []): Promise<{ rows: R[]; rowCount: number | null }> {
    const result = await this.pool.query<R>(this.statement(text, params)).catch(explainPreparedFailure);
    return { rows: result.rows, rowCount: result.rowCount };
  }

  // The statement as pg runs it: named (so prepared) when it has parameters and the bound allows.
  private statement(text: string, params: readonly unknown[]): QueryConfig {
    const values = params as unknown[];
    if (!this.names || values.length === 0) return { text, values };
    let name = this.names.get(text);
    if (name === undefined && this.names.size < MAX_PREPARED_TEXTS) {
      name = `hookway_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
      this.names.set(text, name);
    }
    return name === undefined ? { text, values } : { name, text, values };
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
          const r = await client.query<R>(this.statement(text, params)).catch(explainPreparedFailure);
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
