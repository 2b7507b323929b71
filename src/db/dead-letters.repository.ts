import { newId } from '../domain/ids';
import type { Database } from './database';

/** A delivery whose attempts ran out. */
export interface DeadLetterRecord {
  id: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  error: string;
  attempts: number;
  deadLetteredAt: Date;
  resolvedAt: Date | null;
  resolution: 'delivered' | 'discarded' | null;
}

/** What a delivery workflow reports when it gives up. */
export interface NewDeadLetter {
  deliveryId: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  error: string;
  attempts: number;
}

interface DeadLetterRow {
  id: string;
  delivery_id: string;
  message_id: string;
  endpoint_id: string;
  workflow_id: string;
  error: string;
  attempts: number;
  dead_lettered_at: Date;
  resolved_at: Date | null;
  resolution: 'delivered' | 'discarded' | null;
}

const COLUMNS = 'id, delivery_id, message_id, endpoint_id, workflow_id, error, attempts, dead_lettered_at, resolved_at, resolution';

function toRecord(row: DeadLetterRow): DeadLetterRecord {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    workflowId: row.workflow_id,
    error: row.error,
    attempts: row.attempts,
    deadLetteredAt: row.dead_lettered_at,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
  };
}

/** SQL for `dead_letters`. Only open (unresolved) entries are listed. */
export class DeadLettersRepository {
  constructor(private readonly db: Database) {}

  /**
   * Marks the delivery dead-lettered and opens its dead letter, together. A delivery that is dead-lettered
   * again while its dead letter is open (a retry that failed too, or a retried activity) keeps the one entry
   * and its place in the queue, with the latest run's error and attempt count.
   * @returns the open dead letter and whether this call opened it.
   */
  async record(entry: NewDeadLetter): Promise<{ deadLetter: DeadLetterRecord; opened: boolean }> {
    return this.db.withTransaction(async (tx) => {
      // On a `skip` endpoint the dead letter stops holding its ordered stream, now and after any retry.
      await tx.query(
        `UPDATE deliveries d SET status = 'dead_lettered', parked_at = NULL, updated_at = now(),
           stream_released = d.stream_released OR (d.ordering_key IS NOT NULL AND e.ordering_failure_mode = 'skip')
         FROM endpoints e WHERE e.id = d.endpoint_id AND d.id = $1`,
        [entry.deliveryId],
      );
      const { rows } = await tx.query<DeadLetterRow & { opened: boolean }>(
        `INSERT INTO dead_letters (id, delivery_id, message_id, endpoint_id, workflow_id, error, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (delivery_id) WHERE resolved_at IS NULL
         DO UPDATE SET error = EXCLUDED.error, attempts = EXCLUDED.attempts
         RETURNING ${COLUMNS}, (xmax = 0) AS opened`,
        [newId('dlq'), entry.deliveryId, entry.messageId, entry.endpointId, entry.workflowId, entry.error, entry.attempts],
      );
      return { deadLetter: toRecord(rows[0]), opened: rows[0].opened };
    });
  }

  /** The dead letter with this id, open or resolved, or undefined. */
  async findById(id: string): Promise<DeadLetterRecord | undefined> {
    const { rows } = await this.db.query<DeadLetterRow>(`SELECT ${COLUMNS} FROM dead_letters WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Resolves an open dead letter.
   * @returns the resolved record, or undefined when it was not open (already resolved, or unknown).
   */
  async resolve(id: string, resolution: 'delivered' | 'discarded'): Promise<DeadLetterRecord | undefined> {
    const { rows } = await this.db.query<DeadLetterRow>(
      `UPDATE dead_letters SET resolved_at = now(), resolution = $2 WHERE id = $1 AND resolved_at IS NULL RETURNING ${COLUMNS}`,
      [id, resolution],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Open dead letters per endpoint (endpoints with none are left out). */
  async countOpenByEndpoint(): Promise<{ endpointId: string; open: number }[]> {
    const { rows } = await this.db.query<{ endpoint_id: string; open: string }>(
      'SELECT endpoint_id, count(*) AS open FROM dead_letters WHERE resolved_at IS NULL GROUP BY endpoint_id',
    );
    return rows.map((r) => ({ endpointId: r.endpoint_id, open: Number(r.open) }));
  }

  /** How many dead letters of the endpoint are open. */
  async countOpen(endpointId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM dead_letters WHERE endpoint_id = $1 AND resolved_at IS NULL',
      [endpointId],
    );
    return Number(rows[0].n);
  }

  /** Open dead letters, oldest first, optionally of one endpoint, with their total count. */
  async listOpen(filter: { endpointId?: string; limit: number; offset: number }): Promise<{ items: DeadLetterRecord[]; total: number }> {
    const params = [filter.endpointId ?? null];
    const where = 'resolved_at IS NULL AND ($1::text IS NULL OR endpoint_id = $1)';
    const [page, count] = await Promise.all([
      this.db.query<DeadLetterRow>(
        `SELECT ${COLUMNS} FROM dead_letters WHERE ${where} ORDER BY dead_lettered_at, id LIMIT $2 OFFSET $3`,
        [...params, filter.limit, filter.offset],
      ),
      this.db.query<{ total: string }>(`SELECT count(*) AS total FROM dead_letters WHERE ${where}`, params),
    ]);
    return { items: page.rows.map(toRecord), total: Number(count.rows[0].total) };
  }
}
