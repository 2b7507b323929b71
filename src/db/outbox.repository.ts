import type { Database, Queryable } from './database';
import { DELIVERY_COLUMNS, toDeliveryRecord, type DeliveryRecord, type DeliveryRow } from './deliveries.repository';
import type { MessageEnvelope } from './message-envelope';

/** A delivery whose start is owed, claimed from the outbox with what starting it takes. */
export interface OutboxEntry {
  delivery: DeliveryRecord;
  message: MessageEnvelope;
  endpointDeleted: boolean;
}

interface OutboxRow extends DeliveryRow {
  event_type: string;
  message_ordering_key: string | null;
  message_created_at: Date;
  endpoint_deleted: boolean;
}

const DELIVERY_SELECT = DELIVERY_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ');

/**
 * SQL for `delivery_outbox` (migration 019): the deliveries accepted but not yet handed to Temporal. Rows are
 * written by MessagesRepository in the accepting transaction and deleted here once started.
 */
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  /**
   * Claims up to `limit` of the oldest rows no other process holds (`FOR UPDATE SKIP LOCKED`), hands them
   * to `work`, and deletes the rows whose delivery ids `work` returns, all in one transaction: a process
   * that dies mid-way leaves its rows to the next claim, and two processes never take the same row. The
   * rows stay locked while `work` runs; they lock nothing the started workflows write to.
   * @returns how many rows were claimed.
   */
  async claim(limit: number, work: (entries: OutboxEntry[]) => Promise<string[]>): Promise<number> {
    return this.db.withTransaction(async (tx) => {
      const { rows } = await tx.query<OutboxRow>(
        `SELECT ${DELIVERY_SELECT}, m.event_type, m.ordering_key AS message_ordering_key, m.created_at AS message_created_at,
                e.deleted_at IS NOT NULL AS endpoint_deleted
         FROM delivery_outbox o
         JOIN deliveries d ON d.id = o.delivery_id
         JOIN messages m ON m.application_id = d.application_id AND m.id = d.message_id
         JOIN endpoints e ON e.id = d.endpoint_id
         ORDER BY o.created_at LIMIT $1
         FOR UPDATE OF o SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const done = await work(
        rows.map((row) => ({
          delivery: toDeliveryRecord(row),
          message: { id: row.message_id, eventType: row.event_type, orderingKey: row.message_ordering_key, createdAt: row.message_created_at },
          endpointDeleted: row.endpoint_deleted,
        })),
      );
      await this.remove(done, tx);
      return rows.length;
    });
  }

  private async remove(deliveryIds: string[], tx: Queryable): Promise<void> {
    if (deliveryIds.length === 0) return;
    await tx.query('DELETE FROM delivery_outbox WHERE delivery_id = ANY ($1::text[])', [deliveryIds]);
  }

  /** Deliveries whose start is still owed, of every application or of `applicationId`'s only. */
  async pending(applicationId?: string): Promise<number> {
    const { rows } =
      applicationId === undefined
        ? await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_outbox')
        : await this.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM delivery_outbox o JOIN deliveries d ON d.id = o.delivery_id WHERE d.application_id = $1',
            [applicationId],
          );
    return rows[0].n;
  }
}
