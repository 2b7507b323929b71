import type { Database } from './database';

/** Where a delivery stands. */
export type DeliveryStatus = 'pending' | 'succeeded' | 'dead_lettered';

/** One message to one endpoint. */
export interface DeliveryRecord {
  id: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  status: DeliveryStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** One HTTP attempt of a delivery. */
export interface AttemptRecord {
  attempt: number;
  runId: string;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

/** An attempt about to be stored. */
export interface NewAttempt {
  deliveryId: string;
  runId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode?: number;
  error?: string;
}

/** Row shape shared with the messages repository, which creates deliveries. */
export interface DeliveryRow {
  id: string;
  message_id: string;
  endpoint_id: string;
  workflow_id: string;
  status: DeliveryStatus;
  created_at: Date;
  updated_at: Date;
}

/** Columns matching {@link DeliveryRow}. */
export const DELIVERY_COLUMNS = 'id, message_id, endpoint_id, workflow_id, status, created_at, updated_at';

/** Maps a `deliveries` row to its record. */
export function toDeliveryRecord(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    workflowId: row.workflow_id,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const INSERT_ATTEMPT = `INSERT INTO delivery_attempts (delivery_id, run_id, attempt, started_at, duration_ms, status_code, error)
  VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id, run_id, attempt) DO NOTHING`;

function attemptParams(a: NewAttempt): unknown[] {
  return [a.deliveryId, a.runId, a.attempt, a.startedAt, a.durationMs, a.statusCode ?? null, a.error ?? null];
}

/** SQL for `deliveries` and `delivery_attempts`. */
export class DeliveriesRepository {
  constructor(private readonly db: Database) {}

  /** The delivery with this id, or undefined. */
  async findById(id: string): Promise<DeliveryRecord | undefined> {
    const { rows } = await this.db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1`, [id]);
    return rows[0] ? toDeliveryRecord(rows[0]) : undefined;
  }

  /** Every attempt of the delivery, in the order they were made (across resets). */
  async attemptsOf(deliveryId: string): Promise<AttemptRecord[]> {
    const { rows } = await this.db.query<{
      attempt: number;
      run_id: string;
      started_at: Date;
      duration_ms: number;
      status_code: number | null;
      error: string | null;
    }>(
      `SELECT attempt, run_id, started_at, duration_ms, status_code, error FROM delivery_attempts
       WHERE delivery_id = $1 ORDER BY started_at, id`,
      [deliveryId],
    );
    return rows.map((r) => ({
      attempt: r.attempt,
      runId: r.run_id,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      statusCode: r.status_code,
      error: r.error,
    }));
  }

  /** Stores a failed (or not yet conclusive) attempt; storing the same attempt twice is a no-op. */
  async recordAttempt(attempt: NewAttempt): Promise<void> {
    await this.db.query(INSERT_ATTEMPT, attemptParams(attempt));
  }

  /**
   * Stores the successful attempt, marks the delivery succeeded and resolves its open dead letter (a
   * delivery retried after dead-lettering, by `temporal workflow reset` for instance), together.
   * @returns true when a dead letter was resolved, so its dead-letter workflow must hear of it.
   */
  async recordSuccess(attempt: NewAttempt): Promise<boolean> {
    return this.db.withTransaction(async (tx) => {
      await tx.query(INSERT_ATTEMPT, attemptParams(attempt));
      await tx.query(`UPDATE deliveries SET status = 'succeeded', updated_at = now() WHERE id = $1`, [attempt.deliveryId]);
      const resolved = await tx.query(
        'UPDATE dead_letters SET resolved_at = now() WHERE delivery_id = $1 AND resolved_at IS NULL',
        [attempt.deliveryId],
      );
      return (resolved.rowCount ?? 0) > 0;
    });
  }
}
