import type { Database } from './database';

/** Where a paged deletion goes on from: the last row it looked at (excluded), or undefined to start. */
export type RetentionCursor = string[] | undefined;

/** What one batch did: rows deleted, where the next batch starts, and whether the table is done. */
export interface RetentionBatch {
  deleted: number;
  cursor: RetentionCursor;
  done: boolean;
}

// A message has expired when it was accepted before the cutoff and every delivery of it is done and
// has been since before the cutoff: succeeded, or dead-lettered with no dead letter open or resolved
// after the cutoff. A message without deliveries (nobody subscribed) expires with its age alone. Done
// is final (only an open dead letter can be retried), so nothing can revive a message this selects.
// Deliveries to an endpoint deleted before the cutoff count as done, pending or not: nothing can
// deliver or retry them any more.
const EXPIRED = `NOT EXISTS (
  SELECT 1 FROM deliveries d
  WHERE d.application_id = m.application_id AND d.message_id = m.id
    AND NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.id = d.endpoint_id AND e.deleted_at < $1)
    AND (d.status = 'pending' OR d.updated_at >= $1
         OR EXISTS (SELECT 1 FROM dead_letters dl WHERE dl.delivery_id = d.id AND (dl.resolved_at IS NULL OR dl.resolved_at >= $1))))`;

/**
 * Deletes what `HOOKWAY_RETENTION` lets go, in batches: each call is one short statement or transaction
 * over at most `limit` messages, dead letters or streams, so no table is locked for long (PostgreSQL locks
 * only the rows deleted) and the caller paces the calls.
 */
export class RetentionRepository {
  constructor(private readonly db: Database) {}

  /** Deletes up to `limit` dead letters resolved (delivered by a retry, or discarded) before `cutoff`. */
  async deleteResolvedDeadLetters(cutoff: Date, limit: number): Promise<RetentionBatch> {
    const { rowCount } = await this.db.query(
      `DELETE FROM dead_letters WHERE id IN (
         SELECT id FROM dead_letters WHERE resolved_at < $1 ORDER BY resolved_at LIMIT $2)`,
      [cutoff, limit],
    );
    const deleted = rowCount ?? 0;
    return { deleted, cursor: undefined, done: deleted < limit };
  }

  /**
   * Looks at the next `limit` messages accepted before `cutoff` (oldest first, after `cursor`) and deletes
   * those that expired, with their deliveries, attempts and dead letters, in one transaction. Messages it
   * must keep are stepped over, so a run never reads them twice.
   */
  async deleteExpiredMessages(cutoff: Date, cursor: RetentionCursor, limit: number): Promise<RetentionBatch> {
    return this.db.withTransaction(async (tx) => {
      // created_at goes out as text so the cursor keeps PostgreSQL's microseconds.
      // A cursor of two (created_at, id) comes from a run begun before messages were keyed by application.
      const [after, afterApplication, afterId] = cursor?.length === 2 ? [cursor[0], '', cursor[1]] : (cursor ?? ['-infinity', '', '']);
      const { rows } = await tx.query<{ application_id: string; id: string; created_at: string; expired: boolean }>(
        `SELECT m.application_id, m.id, m.created_at::text AS created_at, ${EXPIRED} AS expired
         FROM messages m
         WHERE m.created_at < $1 AND (m.created_at, m.application_id, m.id) > ($2::timestamptz, $3::text, $4::text)
         ORDER BY m.created_at, m.application_id, m.id LIMIT $5`,
        [cutoff, after, afterApplication, afterId, limit],
      );
      const last = rows.at(-1);
      const expired = rows.filter((r) => r.expired);
      if (expired.length > 0) {
        const keys = [expired.map((r) => r.application_id), expired.map((r) => r.id)];
        const matching = '(application_id, message_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))';
        await tx.query(`DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE ${matching})`, keys);
        await tx.query(`DELETE FROM dead_letters WHERE ${matching}`, keys);
        await tx.query(`DELETE FROM deliveries WHERE ${matching}`, keys);
        await tx.query('DELETE FROM messages WHERE (application_id, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))', keys);
      }
      return { deleted: expired.length, cursor: last ? [last.created_at, last.application_id, last.id] : cursor, done: rows.length < limit };
    });
  }

  /**
   * Looks at the next `limit` ordering streams (after `cursor`) and deletes those with no delivery left:
   * every message of theirs expired, so they have been idle for the whole retention. A stream that gets a
   * message again starts over at 1, which no remaining delivery holds.
   */
  async deleteIdleStreams(cursor: RetentionCursor, limit: number): Promise<RetentionBatch> {
    return this.db.withTransaction(async (tx) => {
      // Locked first, then checked by a second statement, whose fresh snapshot sees every delivery committed
      // by a message that bumped the stream before the lock; a message arriving after waits for this commit
      // and then starts the stream afresh.
      const { rows } = await tx.query<{ endpoint_id: string; ordering_key: string }>(
        `SELECT endpoint_id, ordering_key FROM ordering_streams
         WHERE (endpoint_id, ordering_key) > ($1::text, $2::text)
         ORDER BY endpoint_id, ordering_key LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [cursor?.[0] ?? '', cursor?.[1] ?? '', limit],
      );
      const last = rows.at(-1);
      if (!last) return { deleted: 0, cursor, done: true };
      const { rowCount } = await tx.query(
        `DELETE FROM ordering_streams s
         WHERE (s.endpoint_id, s.ordering_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.endpoint_id = s.endpoint_id AND d.ordering_key = s.ordering_key)`,
        [rows.map((r) => r.endpoint_id), rows.map((r) => r.ordering_key)],
      );
      return { deleted: rowCount ?? 0, cursor: [last.endpoint_id, last.ordering_key], done: false };
    });
  }
}
