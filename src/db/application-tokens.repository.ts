import type { Queryable } from './database';

/** A token that gives access to one application's routes; the secret is never read back. */
export interface ApplicationTokenRecord {
  id: string;
  applicationId: string;
  /** A name for people, e.g. what uses the token; null when not given. */
  name: string | null;
  /** When it stops working; null for never. */
  expiresAt: Date | null;
  createdAt: Date;
}

/** What a request's token is checked against: the stored hash, its expiry, and the application it opens. */
export interface TokenCredential {
  applicationId: string;
  /** The application's uid, so a path naming it by uid is matched without another query. */
  applicationUid: string;
  secretHash: Buffer;
  /** When the token stops working; null for never. */
  expiresAt: Date | null;
  /** Whether it has: a token past its expiry opens nothing. */
  expired: boolean;
}

interface TokenRow {
  id: string;
  application_id: string;
  name: string | null;
  expires_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, application_id, name, expires_at, created_at';

function toRecord(row: TokenRow): ApplicationTokenRecord {
  return { id: row.id, applicationId: row.application_id, name: row.name, expiresAt: row.expires_at, createdAt: row.created_at };
}

/** SQL for `application_tokens`. A revoked token is kept (with `revoked_at`) and invisible here. */
export class ApplicationTokensRepository {
  constructor(private readonly db: Queryable) {}

  /** Stores a new token; `expiresInSeconds` counts from PostgreSQL's clock, the one every check reads. */
  async insert(token: { id: string; applicationId: string; name: string | null; secretHash: Buffer; expiresInSeconds: number | null }): Promise<ApplicationTokenRecord> {
    const { rows } = await this.db.query<TokenRow>(
      `INSERT INTO application_tokens (id, application_id, name, secret_hash, expires_at)
       VALUES ($1, $2, $3, $4, now() + $5::double precision * interval '1 second')
       RETURNING ${COLUMNS}`,
      [token.id, token.applicationId, token.name, token.secretHash, token.expiresInSeconds],
    );
    return toRecord(rows[0]);
  }

  /** The application's tokens that were not revoked (expired ones included), by id, `limit` after `after`. */
  async list(applicationId: string, limit: number, after?: string): Promise<ApplicationTokenRecord[]> {
    const { rows } = await this.db.query<TokenRow>(
      `SELECT ${COLUMNS} FROM application_tokens
       WHERE application_id = $1 AND revoked_at IS NULL AND id > coalesce($3::text, '')
       ORDER BY id LIMIT $2`,
      [applicationId, limit, after ?? null],
    );
    return rows.map(toRecord);
  }

  /** Revokes the application's token; false when it has no such token, or it was revoked already. */
  async revoke(applicationId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE application_tokens SET revoked_at = now() WHERE id = $1 AND application_id = $2 AND revoked_at IS NULL',
      [id, applicationId],
    );
    return rowCount === 1;
  }

  /**
   * The credential of a token that was not revoked, of a live application, expired or not (`expired` says
   * which, by PostgreSQL's clock). One query by primary key on each table, run on every request that
   * carries an application token, so a revocation is seen by every API process at once.
   */
  async findCredential(id: string): Promise<TokenCredential | undefined> {
    const { rows } = await this.db.query<{ application_id: string; uid: string; secret_hash: Buffer; expires_at: Date | null; expired: boolean }>(
      `SELECT t.application_id, a.uid, t.secret_hash, t.expires_at, coalesce(t.expires_at <= now(), false) AS expired
       FROM application_tokens t JOIN applications a ON a.id = t.application_id
       WHERE t.id = $1 AND t.revoked_at IS NULL AND a.deleted_at IS NULL`,
      [id],
    );
    const row = rows[0];
    return row
      ? { applicationId: row.application_id, applicationUid: row.uid, secretHash: row.secret_hash, expiresAt: row.expires_at, expired: row.expired }
      : undefined;
  }
}
