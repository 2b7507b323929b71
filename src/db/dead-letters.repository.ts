import { newId } from '../domain/ids';
import type { Database, Queryable } from './database';

/** A delivery whose attempts ran out. */
export interface DeadLetterRecord {
  id: string;
  /** The application of its message and endpoint. */
  applicationId: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  error: string;
  attempts: number;
  deadLetteredAt: Date;
  resolvedAt: Date | null;
  resolution: 'delivered' | 'discarded' | null;
  /** The workflow run that (last) dead-lettered the delivery, when known. */
  runId: string | null;
}

/** An alert about an endpoint's queue, raised by the dead letter that made it due. */
export type QueueAlertKind = 'first_dead_letter' | 'dead_letter_threshold';

/** A place in an endpoint's queue: after this dead letter, in `(deadLetteredAt, id)` order. */
export interface QueueCursor {
  /** ISO-8601 with microseconds, as PostgreSQL stores it (a JS Date would round it to milliseconds). */
  deadLetteredAt: string;
  id: string;
}

/** What a delivery workflow reports when it gives up. */
export interface NewDeadLetter {
  deliveryId: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  /** The run that dead-lettered it. */
  runId?: string;
  error: string;
  attempts: number;
}

interface DeadLetterRow {
  id: string;
  application_id: string;
  delivery_id: string;
  message_id: string;
  endpoint_id: string;
  workflow_id: string;
  error: string;
  attempts: number;
  dead_lettered_at: Date;
  resolved_at: Date | null;
  resolution: 'delivered' | 'discarded' | null;
  pending_alerts: QueueAlertKind[];
  run_id: string | null;
}

// Serialises the openings of one endpoint's dead letters, so each sees the count the previous one left.
// The two-key form keeps these locks apart from every single-key advisory lock.
const QUEUE_LOCK_CLASS = 9;

// Beyond an attempt's own deadline: loading the endpoint and recording the attempt (the delivery workflow's
// activity allows 10 s for it).
const ATTEMPT_OVERHEAD_MS = 15_000;

/** The reason code of a parked delivery dead-lettered because its schedule ran out behind an open circuit. */
export const PARKED_EXPIRED_REASON = 'circuit_open';

/** What {@link DeadLettersRepository.expireParked} did. */
export interface ExpiredParked {
  /** Each delivery dead-lettered; `opened` is false when its dead letter was open already (a retry's run). */
  expired: { deliveryId: string; eventType: string; orderingKey: string | null; opened: boolean }[];
  /** The queue alerts the openings raised, to send for `alertingDeadLetter` (the last one opened). */
  pendingAlerts: QueueAlertKind[];
  alertingDeadLetter?: DeadLetterRecord;
}

/**
 * After `opened` dead letters of an endpoint were opened in this transaction (the last one `deadLetterId`):
 * the queue alerts that made due, stored on that dead letter until sent. Under a per-endpoint lock, so
 * each opening sees the count the previous one left and every crossing alerts exactly once.
 */
async function raiseQueueAlerts(tx: Queryable, endpointId: string, deadLetterId: string, opened: number, threshold: number): Promise<QueueAlertKind[]> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUEUE_LOCK_CLASS, endpointId]);
  const { rows } = await tx.query<{ open: number }>(
    `SELECT count(*)::int AS open FROM
       (SELECT 1 FROM dead_letters WHERE endpoint_id = $1 AND resolved_at IS NULL LIMIT $2) AS queue`,
    [endpointId, threshold + opened],
  );
  const open = rows[0].open;
  const before = open - opened;
  const alerts: QueueAlertKind[] = [];
  if (before === 0) alerts.push('first_dead_letter');
  if (before < threshold && open >= threshold) alerts.push('dead_letter_threshold');
  if (alerts.length > 0) await tx.query('UPDATE dead_letters SET pending_alerts = $2 WHERE id = $1', [deadLetterId, alerts]);
  return alerts;
}

const COLUMNS = 'id, application_id, delivery_id, message_id, endpoint_id, workflow_id, error, attempts, dead_lettered_at, resolved_at, resolution, pending_alerts, run_id';

function toRecord(row: DeadLetterRow): DeadLetterRecord {
  return {
    id: row.id,
    applicationId: row.application_id,
    deliveryId: row.delivery_id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    workflowId: row.workflow_id,
    error: row.error,
    attempts: row.attempts,
    deadLetteredAt: row.dead_lettered_at,
    resolvedAt: row.resolved_at,
    resolution: row.resolution,
    runId: row.run_id,
  };
}

/** SQL for `dead_letters`. Only open (unresolved) entries are listed. */
export class DeadLettersRepository {
  constructor(private readonly db: Database) {}

  /**
   * Marks the delivery dead-lettered and opens its dead letter, together. A delivery that is dead-lettered
   * again while its dead letter is open (a retry that failed too, or a retried activity) keeps the one entry
   * and its place in the queue, with the latest run's error and attempt count.
   *
   * Opening one also decides the queue's alerts, from PostgreSQL alone: `first_dead_letter` when the queue
   * had none open, `dead_letter_threshold` when it reaches `alertThreshold` from below. Openings of one
   * endpoint take turns (an advisory lock held to commit), so every count is the one before it plus one,
   * less what was resolved meanwhile: each crossing is seen by exactly one opening. The count stops at
   * `alertThreshold + 1`, so it costs the same whatever the queue's size.
   * @returns the open dead letter, whether this call opened it, and the alerts it raised that are not sent yet;
   *   undefined when the delivery is no longer stored (retention deleted it with its message).
   */
  async record(
    entry: NewDeadLetter,
    alertThreshold: number,
  ): Promise<{ deadLetter: DeadLetterRecord; opened: boolean; pendingAlerts: QueueAlertKind[] } | undefined> {
    return this.db.withTransaction(async (tx) => {
      // On a `skip` endpoint the dead letter stops holding its ordered stream, now and after any retry.
      const { rowCount } = await tx.query(
        `UPDATE deliveries d SET status = 'dead_lettered', parked_at = NULL, updated_at = now(),
           stream_released = d.stream_released OR (d.ordering_key IS NOT NULL AND e.ordering_failure_mode = 'skip')
         FROM endpoints e WHERE e.id = d.endpoint_id AND d.id = $1`,
        [entry.deliveryId],
      );
      // Retention deleted the delivery with its message (a run reset after that): nothing to hold.
      if (rowCount === 0) return undefined;
      const { rows } = await tx.query<DeadLetterRow & { opened: boolean }>(
        `INSERT INTO dead_letters (id, delivery_id, message_id, endpoint_id, workflow_id, error, attempts, run_id, application_id)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, d.application_id FROM deliveries d WHERE d.id = $2
         ON CONFLICT (delivery_id) WHERE resolved_at IS NULL
         DO UPDATE SET error = EXCLUDED.error, attempts = EXCLUDED.attempts, run_id = EXCLUDED.run_id
         RETURNING ${COLUMNS}, (xmax = 0) AS opened`,
        [newId('dlq'), entry.deliveryId, entry.messageId, entry.endpointId, entry.workflowId, entry.error, entry.attempts, entry.runId ?? null],
      );
      const row = rows[0];
      if (!row.opened) return { deadLetter: toRecord(row), opened: false, pendingAlerts: row.pending_alerts };
      const alerts = await raiseQueueAlerts(tx, entry.endpointId, row.id, 1, alertThreshold);
      return { deadLetter: toRecord(row), opened: true, pendingAlerts: alerts };
    });
  }

  /**
   * Dead-letters, at most `limit` at a time, the endpoint's parked deliveries whose schedule ran out while
   * its circuit stayed open (nothing once it has closed): no further attempt is made (the circuit's probes keep failing), and automatic
   * recovery or a redrive sends them once the endpoint is back. One transaction, with the queue alerts the
   * openings raised, as {@link record} does for one.
   */
  async expireParked(endpointId: string, limit: number, alertThreshold: number): Promise<ExpiredParked> {
    return this.db.withTransaction(async (tx) => {
      // Only behind a circuit that is open now, and stays so until this commits (a close waits for the
      // share lock): once it closes, what is parked is released, however late.
      const open = await tx.query<{ timeout_ms: number }>(
        'SELECT timeout_ms FROM endpoints WHERE id = $1 AND circuit_opened_at IS NOT NULL AND deleted_at IS NULL FOR SHARE',
        [endpointId],
      );
      if (open.rows.length === 0) return { expired: [], pendingAlerts: [] };
      // A row picked as a probe within the longest an attempt can take may have its probe run attempting:
      // left alone until that run has parked it again, dead-lettered it or delivered it.
      const attemptWindowMs = open.rows[0].timeout_ms + ATTEMPT_OVERHEAD_MS;
      const { rows: ended } = await tx.query<{ id: string; message_id: string; workflow_id: string; attempts: number; ordering_key: string | null; event_type: string }>(
        `UPDATE deliveries d SET status = 'dead_lettered', parked_at = NULL, updated_at = now(),
           stream_released = d.stream_released OR (d.ordering_key IS NOT NULL AND e.ordering_failure_mode = 'skip')
         FROM endpoints e, messages m
         WHERE e.id = d.endpoint_id AND m.application_id = d.application_id AND m.id = d.message_id AND d.id IN (
           SELECT id FROM deliveries WHERE endpoint_id = $1 AND parked_at IS NOT NULL AND parked_until <= now() AND status = 'pending'
             AND (probed_at IS NULL OR probed_at < now() - make_interval(secs => $3::float8 / 1000))
           ORDER BY parked_until LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING d.id, d.message_id, d.workflow_id, COALESCE(d.parked_attempts, 0) AS attempts, d.ordering_key, m.event_type`,
        [endpointId, limit, attemptWindowMs],
      );
      if (ended.length === 0) return { expired: [], pendingAlerts: [] };
      const error = `${PARKED_EXPIRED_REASON}: the endpoint's circuit stayed open until the retry schedule ran out; not attempted again`;
      const { rows } = await tx.query<DeadLetterRow & { opened: boolean }>(
        `INSERT INTO dead_letters (id, delivery_id, message_id, endpoint_id, workflow_id, error, attempts, application_id)
         SELECT n.id, n.delivery_id, n.message_id, $1, n.workflow_id, $2, n.attempts, (SELECT application_id FROM endpoints WHERE id = $1)
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[]) AS n(id, delivery_id, message_id, workflow_id, attempts)
         ON CONFLICT (delivery_id) WHERE resolved_at IS NULL
         DO UPDATE SET error = EXCLUDED.error, attempts = EXCLUDED.attempts, run_id = NULL
         RETURNING ${COLUMNS}, (xmax = 0) AS opened`,
        [
          endpointId,
          error,
          ended.map(() => newId('dlq')),
          ended.map((d) => d.id),
          ended.map((d) => d.message_id),
          ended.map((d) => d.workflow_id),
          ended.map((d) => d.attempts),
        ],
      );
      const opened = rows.filter((r) => r.opened);
      const byDelivery = new Map(ended.map((d) => [d.id, d]));
      const expired = rows.map((r) => ({
        deliveryId: r.delivery_id,
        eventType: byDelivery.get(r.delivery_id)?.event_type ?? 'unknown',
        orderingKey: byDelivery.get(r.delivery_id)?.ordering_key ?? null,
        opened: r.opened,
      }));
      const last = opened.at(-1);
      if (!last) return { expired, pendingAlerts: [] };
      const alerts = await raiseQueueAlerts(tx, endpointId, last.id, opened.length, alertThreshold);
      return { expired, pendingAlerts: alerts, alertingDeadLetter: toRecord(last) };
    });
  }

  /**
   * The endpoint's open dead letters whose queue alerts are still unsent after `olderThanMs` (their
   * sender gave up, or its worker stopped), with the alerts.
   */
  async unsentAlerts(endpointId: string, olderThanMs: number): Promise<{ deadLetter: DeadLetterRecord; alerts: QueueAlertKind[] }[]> {
    const { rows } = await this.db.query<DeadLetterRow>(
      `SELECT ${COLUMNS} FROM dead_letters
       WHERE endpoint_id = $1 AND pending_alerts <> '{}' AND resolved_at IS NULL
         AND dead_lettered_at < now() - make_interval(secs => $2::float8 / 1000)
       ORDER BY dead_lettered_at LIMIT 10`,
      [endpointId, olderThanMs],
    );
    return rows.map((row) => ({ deadLetter: toRecord(row), alerts: row.pending_alerts }));
  }

  /** The queue alerts an open dead letter holds, unsent; undefined when it is resolved or unknown. */
  async heldAlerts(id: string): Promise<{ deadLetter: DeadLetterRecord; alerts: QueueAlertKind[] } | undefined> {
    const { rows } = await this.db.query<DeadLetterRow>(`SELECT ${COLUMNS} FROM dead_letters WHERE id = $1 AND resolved_at IS NULL`, [id]);
    return rows[0] ? { deadLetter: toRecord(rows[0]), alerts: rows[0].pending_alerts } : undefined;
  }

  /** Forgets the alerts a dead letter raised, once they were sent (or given up on). */
  async clearPendingAlerts(id: string): Promise<void> {
    await this.db.query("UPDATE dead_letters SET pending_alerts = '{}' WHERE id = $1", [id]);
  }

  /**
   * The endpoint's next open dead letters after `after` (from the oldest without it), oldest first, for a
   * redrive. With `notAutoRetried`, those automatic recovery has not retried yet.
   */
  async nextInQueue(
    endpointId: string,
    page: { after?: QueueCursor; limit: number; notAutoRetried: boolean },
  ): Promise<{ id: string; cursor: QueueCursor }[]> {
    const { rows } = await this.db.query<{ id: string; at: string }>(
      `SELECT id, to_char(dead_lettered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at
       FROM dead_letters
       WHERE endpoint_id = $1 AND resolved_at IS NULL
         AND (dead_lettered_at, id) > ($2::timestamptz, $3::text)
         AND (NOT $4::boolean OR auto_retried_at IS NULL)
       ORDER BY dead_lettered_at, id LIMIT $5`,
      // Without a cursor, from before the first: a range the index can seek to in both cases.
      [endpointId, page.after?.deadLetteredAt ?? '-infinity', page.after?.id ?? '', page.notAutoRetried, page.limit],
    );
    return rows.map((r) => ({ id: r.id, cursor: { deadLetteredAt: r.at, id: r.id } }));
  }

  /** Notes that automatic recovery retried the dead letter, so it never does again. */
  async markAutoRetried(id: string): Promise<void> {
    await this.db.query('UPDATE dead_letters SET auto_retried_at = now() WHERE id = $1 AND auto_retried_at IS NULL', [id]);
  }

  /** Whether the endpoint has any open dead letter. */
  async hasOpen(endpointId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ open: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM dead_letters WHERE endpoint_id = $1 AND resolved_at IS NULL) AS open',
      [endpointId],
    );
    return rows[0].open;
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

  /**
   * The application's open dead letters (or one endpoint's), newest first, with their total count.
   * @returns undefined when `after` names no dead letter of the application; one resolved since still
   * marks its place.
   */
  async listOpen(filter: { applicationId: string; endpointId?: string; limit: number; after?: string }): Promise<{ items: DeadLetterRecord[]; total: number } | undefined> {
    // Built per filter so each is a range of dead_letters_application_idx or dead_letters_endpoint_queue_idx, read backwards.
    const params: unknown[] = [filter.applicationId];
    let where = 'resolved_at IS NULL AND application_id = $1';
    if (filter.endpointId !== undefined) {
      params.push(filter.endpointId);
      where += ' AND endpoint_id = $2';
    }
    const pageParams = [...params, filter.limit];
    let cursor = '';
    if (filter.after !== undefined) {
      pageParams.push(filter.after);
      cursor = `AND (dead_lettered_at, id) < (SELECT c.dead_lettered_at, c.id FROM dead_letters c WHERE c.application_id = $1 AND c.id = $${pageParams.length})`;
    }
    const [page, count] = await Promise.all([
      this.db.query<DeadLetterRow>(
        `SELECT ${COLUMNS} FROM dead_letters WHERE ${where} ${cursor} ORDER BY dead_lettered_at DESC, id DESC LIMIT $${params.length + 1}`,
        pageParams,
      ),
      this.db.query<{ total: string }>(`SELECT count(*) AS total FROM dead_letters WHERE ${where}`, params),
    ]);
    if (page.rows.length === 0 && filter.after !== undefined) {
      const known = await this.db.query('SELECT 1 FROM dead_letters WHERE application_id = $1 AND id = $2', [filter.applicationId, filter.after]);
      if (known.rows.length === 0) return undefined;
    }
    return { items: page.rows.map(toRecord), total: Number(count.rows[0].total) };
  }
}
