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
}

const COLUMNS = 'id, delivery_id, message_id, endpoint_id, workflow_id, error, attempts, dead_lettered_at';

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
  };
}

/** SQL for `dead_letters`. Only open (unresolved) entries are listed. */
export class DeadLettersRepository {
  constructor(private readonly db: Database) {}

  /**
   * Marks the delivery dead-lettered and opens its dead letter, together. Recording the same delivery
   * again while its dead letter is open returns the open one, so a retried activity is harmless.
   */
  async record(entry: NewDeadLetter): Promise<DeadLetterRecord> {
    return this.db.withTransaction(async (tx) => {
      await tx.query(`UPDATE deliveries SET status = 'dead_lettered', updated_at = now() WHERE id = $1`, [entry.deliveryId]);
      const inserted = await tx.query<DeadLetterRow>(
        `INSERT INTO dead_letters (id, delivery_id, message_id, endpoint_id, workflow_id, error, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (delivery_id) WHERE resolved_at IS NULL DO NOTHING RETURNING ${COLUMNS}`,
        [newId('dlq'), entry.deliveryId, entry.messageId, entry.endpointId, entry.workflowId, entry.error, entry.attempts],
      );
      if (inserted.rows[0]) return toRecord(inserted.rows[0]);
      const open = await tx.query<DeadLetterRow>(
        `SELECT ${COLUMNS} FROM dead_letters WHERE delivery_id = $1 AND resolved_at IS NULL`,
        [entry.deliveryId],
      );
      return toRecord(open.rows[0]);
    });
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
