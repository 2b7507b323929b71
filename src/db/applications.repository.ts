import type { Database } from './database';

/** A customer of the platform: its endpoints get only its own messages. */
export interface ApplicationRecord {
  id: string;
  /** The caller's own id for this customer, unique among live applications. */
  uid: string;
  name: string;
  metadata: Record<string, string>;
  /** A cap on the sum of its endpoints' requests per second, across workers; null for none. */
  rateLimitPerSecond: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Fields a PATCH may change; absent fields stay as they are. */
export type ApplicationChanges = Partial<Pick<ApplicationRecord, 'uid' | 'name' | 'metadata' | 'rateLimitPerSecond'>>;

interface ApplicationRow {
  id: string;
  uid: string;
  name: string;
  metadata: Record<string, string>;
  rate_limit_per_second: number | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, uid, name, metadata, rate_limit_per_second, created_at, updated_at';

function toRecord(row: ApplicationRow): ApplicationRecord {
  return {
    id: row.id,
    uid: row.uid,
    name: row.name,
    metadata: row.metadata,
    rateLimitPerSecond: row.rate_limit_per_second,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A live application already has this uid. */
export class DuplicateUidError extends Error {
  constructor(readonly uid: string) {
    super(`an application with uid ${uid} exists`);
    this.name = 'DuplicateUidError';
  }
}

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === UNIQUE_VIOLATION;
}

/** SQL for `applications`. Deleted applications are kept (soft delete) and invisible here. */
export class ApplicationsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores a new application.
   * @throws DuplicateUidError when a live application has its uid.
   */
  async insert(application: Pick<ApplicationRecord, 'id' | 'uid' | 'name' | 'metadata' | 'rateLimitPerSecond'>): Promise<ApplicationRecord> {
    try {
      const { rows } = await this.db.query<ApplicationRow>(
        `INSERT INTO applications (id, uid, name, metadata, rate_limit_per_second) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [application.id, application.uid, application.name, JSON.stringify(application.metadata), application.rateLimitPerSecond],
      );
      return toRecord(rows[0]);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateUidError(application.uid);
      throw error;
    }
  }

  /** The live application whose id, or else uid, is `idOrUid`; undefined when there is none. */
  async find(idOrUid: string): Promise<ApplicationRecord | undefined> {
    const { rows } = await this.db.query<ApplicationRow>(
      `SELECT ${COLUMNS} FROM applications WHERE (id = $1 OR uid = $1) AND deleted_at IS NULL ORDER BY (id = $1) DESC LIMIT 1`,
      [idOrUid],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Live applications, oldest first, `limit` at a time after the `after` id. */
  async list(limit: number, after?: string): Promise<ApplicationRecord[]> {
    const { rows } = await this.db.query<ApplicationRow>(
      `SELECT ${COLUMNS} FROM applications WHERE deleted_at IS NULL AND id > coalesce($2::text, '') ORDER BY id LIMIT $1`,
      [limit, after ?? null],
    );
    return rows.map(toRecord);
  }

  /**
   * Applies `changes` and returns the application as it now is, or undefined when there is none.
   * @throws DuplicateUidError when the new uid is another live application's.
   */
  async update(id: string, changes: ApplicationChanges): Promise<ApplicationRecord | undefined> {
    const columns: Record<keyof ApplicationChanges, string> = { uid: 'uid', name: 'name', metadata: 'metadata', rateLimitPerSecond: 'rate_limit_per_second' };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, column] of Object.entries(columns) as [keyof ApplicationChanges, string][]) {
      if (!(key in changes)) continue;
      params.push(key === 'metadata' ? JSON.stringify(changes.metadata) : changes[key]);
      sets.push(`${column} = $${params.length}`);
    }
    try {
      const { rows } = await this.db.query<ApplicationRow>(
        `UPDATE applications SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 AND deleted_at IS NULL RETURNING ${COLUMNS}`,
        params,
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateUidError(String(changes.uid));
      throw error;
    }
  }

  /**
   * Marks the application and its live endpoints deleted: its deliveries then end as a deleted endpoint's
   * do. False when there was no live application with this id. Two statements in one transaction: the
   * first waits for endpoints being created in the application (they hold its row FOR SHARE), so the
   * second, with a fresh snapshot, deletes them too; creations after it find the application deleted.
   */
  async softDelete(id: string): Promise<boolean> {
    return this.db.withTransaction(async (tx) => {
      const { rowCount } = await tx.query('UPDATE applications SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL', [id]);
      if (!rowCount) return false;
      await tx.query('UPDATE endpoints SET deleted_at = now(), updated_at = now() WHERE application_id = $1 AND deleted_at IS NULL', [id]);
      return true;
    });
  }
}
