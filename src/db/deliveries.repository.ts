import type { MessageEnvelope } from './message-envelope';
import { closeOnSuccessSql, countFailureSql, parkAfterFailureSql, type ParkPlan } from './circuits.repository';
import type { Database } from './database';

/** Where a delivery stands. */
export type DeliveryStatus = 'pending' | 'succeeded' | 'dead_lettered';

/** One message to one endpoint. */
export interface DeliveryRecord {
  id: string;
  /** The application of its message and endpoint. */
  applicationId: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  status: DeliveryStatus;
  /** The message's ordering key, when it has one; deliveries with one key go to the endpoint in order. */
  orderingKey: string | null;
  /** Position in the (endpoint, ordering key) stream, from 1; null without a key. */
  sequence: number | null;
  /** Set while it waits for its endpoint's circuit to close. */
  parkedAt: Date | null;
  /** While parked: when it is dead-lettered if the circuit is still open (its schedule would have ended). */
  parkedUntil: Date | null;
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
  responseBody: string | null;
  retryAfterMs: number | null;
}

/** An attempt about to be stored. */
export interface NewAttempt {
  deliveryId: string;
  endpointId: string;
  runId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode?: number;
  error?: string;
  responseBody?: string;
  /** The delay before the next attempt, when the receiver's `Retry-After` set it. */
  retryAfterMs?: number;
}

/** What recording a success changed beyond the delivery itself. */
export interface SuccessEffects {
  /** The delivery had an open dead letter, now resolved as delivered. */
  resolvedDeadLetter: boolean;
  /** The endpoint still has other open dead letters (a backlog to redrive). */
  endpointBacklog: boolean;
  /** The endpoint's circuit was open and this success closed it: its parked deliveries can go. */
  circuitClosed: boolean;
}

/** What recording a failed attempt did beyond storing it. */
export interface FailureEffects {
  /** The first failure since the endpoint's last success. */
  failingSince: Date | null;
  /** This failure opened the endpoint's circuit. */
  circuitOpened: boolean;
  /** The endpoint's circuit is open, so the delivery is parked until it closes. */
  parked: boolean;
}

/** Row shape shared with the messages repository, which creates deliveries. */
export interface DeliveryRow {
  id: string;
  application_id: string;
  message_id: string;
  endpoint_id: string;
  workflow_id: string;
  status: DeliveryStatus;
  ordering_key: string | null;
  /** bigint comes back from pg as a string. */
  sequence: string | null;
  /** Absent where a statement returns the columns of a new delivery. */
  parked_at?: Date | null;
  parked_until?: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Columns matching {@link DeliveryRow}. */
export const DELIVERY_COLUMNS = 'id, application_id, message_id, endpoint_id, workflow_id, status, ordering_key, sequence, parked_at, parked_until, created_at, updated_at';

/** Maps a `deliveries` row to its record. */
export function toDeliveryRecord(row: DeliveryRow): DeliveryRecord {
  return {
    id: row.id,
    applicationId: row.application_id,
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    workflowId: row.workflow_id,
    status: row.status,
    orderingKey: row.ordering_key,
    sequence: row.sequence === null ? null : Number(row.sequence),
    parkedAt: row.parked_at ?? null,
    parkedUntil: row.parked_at ? (row.parked_until ?? null) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Where a sweep is in the (created_at, id) order; `at` is PostgreSQL's own text, exact to the microsecond. */
export interface SweepCursor {
  at: string;
  id: string;
}

/** Before the first unattempted delivery. */
export const SWEEP_START: SweepCursor = { at: '-infinity', id: '' };

/** A delivery the orphan sweep may have to start, with what starting it takes. */
export interface UnattemptedDelivery {
  delivery: DeliveryRecord;
  message: MessageEnvelope;
  endpointDeleted: boolean;
  /** Pass as `after` for the next page. */
  cursor: SweepCursor;
}

interface UnattemptedRow {
  cursor_at: string;
  event_type: string;
  message_ordering_key: string | null;
  message_created_at: Date;
  endpoint_deleted: boolean;
}

// Parameters $1..$10 of every statement that stores an attempt: the attempt, then its endpoint, which the
// per-endpoint charts' index reads (migration 021).
const INSERT_ATTEMPT = `INSERT INTO delivery_attempts
    (delivery_id, run_id, attempt, started_at, duration_ms, status_code, error, response_body, retry_after_ms, endpoint_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
  ON CONFLICT (delivery_id, run_id, attempt) DO NOTHING`;

function attemptParams(a: NewAttempt): unknown[] {
  return [
    a.deliveryId,
    a.runId,
    a.attempt,
    a.startedAt,
    a.durationMs,
    a.statusCode ?? null,
    a.error ?? null,
    a.responseBody ?? null,
    a.retryAfterMs ?? null,
  ];
}

// The attempt ($1..$9), then the endpoint ($10), the circuit's threshold ($11), whether to park ($12), and
// the attempts made ($13) and schedule left ($14) to park with.
const RECORD_FAILURE = `WITH stored AS (${INSERT_ATTEMPT}),
      failed AS (${countFailureSql({ endpointId: '$10', threshold: '$11' })}),
      parked AS (${parkAfterFailureSql('failed', { deliveryId: '$1', startedAt: '$4', park: '$12', attempts: '$13', scheduleLeftMs: '$14' })})
  SELECT failing_since, circuit_opened_at = now() AS opened, EXISTS (SELECT 1 FROM parked WHERE parked) AS parked FROM failed`;

// The attempt ($1..$9), then the endpoint ($10).
const RECORD_SUCCESS = `WITH stored AS (${INSERT_ATTEMPT}),
      delivered AS (UPDATE deliveries SET status = 'succeeded', parked_at = NULL, updated_at = now() WHERE id = $1),
      resolved AS (UPDATE dead_letters SET resolved_at = now(), resolution = 'delivered'
                   WHERE delivery_id = $1 AND resolved_at IS NULL RETURNING id),
      closed AS (${closeOnSuccessSql({ endpointId: '$10' })})
  SELECT EXISTS (SELECT 1 FROM resolved) AS resolved,
         EXISTS (SELECT 1 FROM dead_letters WHERE endpoint_id = $10 AND resolved_at IS NULL AND delivery_id <> $1) AS backlog,
         EXISTS (SELECT 1 FROM closed WHERE was_open) AS closed`;

/**
 * SQL for `deliveries` and `delivery_attempts`. Each recording is one statement: one round trip, atomic.
 * Recording an attempt also moves its endpoint's circuit and parks the delivery behind it, in the same
 * statement, with the circuit's own SQL from CircuitsRepository's module.
 */
export class DeliveriesRepository {
  constructor(private readonly db: Database) {}

  /** The delivery with this id, or undefined. */
  async findById(id: string): Promise<DeliveryRecord | undefined> {
    const { rows } = await this.db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1`, [id]);
    return rows[0] ? toDeliveryRecord(rows[0]) : undefined;
  }

  /** Every attempt of the delivery, in the order they were made (across resets and retries). */
  async attemptsOf(deliveryId: string): Promise<AttemptRecord[]> {
    const { rows } = await this.db.query<{
      attempt: number;
      run_id: string;
      started_at: Date;
      duration_ms: number;
      status_code: number | null;
      error: string | null;
      response_body: string | null;
      retry_after_ms: number | null;
    }>(
      `SELECT attempt, run_id, started_at, duration_ms, status_code, error, response_body, retry_after_ms
       FROM delivery_attempts WHERE delivery_id = $1 ORDER BY started_at, id`,
      [deliveryId],
    );
    return rows.map((r) => ({
      attempt: r.attempt,
      runId: r.run_id,
      startedAt: r.started_at,
      durationMs: r.duration_ms,
      statusCode: r.status_code,
      error: r.error,
      responseBody: r.response_body,
      retryAfterMs: r.retry_after_ms,
    }));
  }

  /**
   * Stores a failed attempt, starts the endpoint's failure clock unless it runs already and counts the
   * failure; at `circuit.threshold` failures in a row (0: never) the endpoint's circuit opens. While the
   * circuit is open the delivery is parked, in the same statement, as `park` says (null for a last attempt,
   * a permanent failure or with circuits turned off). The circuit's part is {@link countFailureSql} and
   * {@link parkAfterFailureSql}.
   * @returns when the endpoint started failing, whether this failure opened the circuit, and whether the
   * delivery is now parked.
   */
  async recordFailure(attempt: NewAttempt, circuit: { threshold: number; park: ParkPlan | null }): Promise<FailureEffects> {
    const { rows } = await this.db.query<{ failing_since: Date | null; opened: boolean; parked: boolean }>(RECORD_FAILURE, [
      ...attemptParams(attempt),
      attempt.endpointId,
      circuit.threshold,
      circuit.park !== null,
      circuit.park?.attempts ?? 0,
      circuit.park?.scheduleLeftMs ?? 0,
    ]);
    return { failingSince: rows[0]?.failing_since ?? null, circuitOpened: rows[0]?.opened === true, parked: rows[0]?.parked === true };
  }

  /**
   * Stores the successful attempt, marks the delivery succeeded (and no longer parked), resolves its open
   * dead letter (a delivery retried after dead-lettering), stops the endpoint's failure clock and closes its
   * circuit ({@link closeOnSuccessSql}), all in one statement.
   */
  async recordSuccess(attempt: NewAttempt): Promise<SuccessEffects> {
    const { rows } = await this.db.query<{ resolved: boolean; backlog: boolean; closed: boolean }>(RECORD_SUCCESS, [
      ...attemptParams(attempt),
      attempt.endpointId,
    ]);
    return { resolvedDeadLetter: rows[0].resolved, endpointBacklog: rows[0].backlog, circuitClosed: rows[0].closed };
  }

  /**
   * One page of pending deliveries older than `olderThanMs` that never made an attempt and that the orphan
   * sweep has not checked yet and the outbox does not hold: those whose workflow may never have started
   * (a circuit released them and the worker died before starting them; rows the outbox dropped), in (created_at, id) order after `after`. Each comes
   * with what starting it needs from its message, and whether its endpoint was deleted. Ordered deliveries
   * are left out: their stream starts them, in order (see OrderedStreamsRepository).
   */
  async findUnattempted(olderThanMs: number, limit: number, after: SweepCursor = SWEEP_START): Promise<UnattemptedDelivery[]> {
    const { rows } = await this.db.query<DeliveryRow & UnattemptedRow>(
      `SELECT ${DELIVERY_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}, d.created_at::text AS cursor_at,
              m.event_type, m.ordering_key AS message_ordering_key, m.created_at AS message_created_at,
              e.deleted_at IS NOT NULL AS endpoint_deleted
       FROM deliveries d JOIN messages m ON m.application_id = d.application_id AND m.id = d.message_id JOIN endpoints e ON e.id = d.endpoint_id
       WHERE d.status = 'pending' AND d.ordering_key IS NULL AND d.sweep_checked_at IS NULL AND d.parked_at IS NULL
         AND d.created_at < now() - make_interval(secs => $1::float8 / 1000)
         AND (d.created_at, d.id) > ($3::timestamptz, $4::text)
         AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id)
         AND NOT EXISTS (SELECT 1 FROM delivery_outbox o WHERE o.delivery_id = d.id)
       ORDER BY d.created_at, d.id LIMIT $2`,
      [olderThanMs, limit, after.at, after.id],
    );
    return rows.map((row) => ({
      delivery: toDeliveryRecord(row),
      message: { id: row.message_id, eventType: row.event_type, orderingKey: row.message_ordering_key, createdAt: row.message_created_at },
      endpointDeleted: row.endpoint_deleted,
      cursor: { at: row.cursor_at, id: row.id },
    }));
  }

  /** Notes that the orphan sweep has dealt with these deliveries, so that it never looks at them again. */
  async markSweepChecked(deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.query('UPDATE deliveries SET sweep_checked_at = now() WHERE id = ANY ($1::text[])', [deliveryIds]);
  }

  /**
   * Sets a dead-lettered delivery back to pending before a retry, in one statement with the check that its
   * dead letter is still open, so a discard that got there first is never undone.
   * @returns false when the dead letter was resolved meanwhile.
   */
  async reopenForRetry(deliveryId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE deliveries SET status = 'pending', parked_at = NULL, parked_until = NULL, updated_at = now()
       WHERE id = $1 AND EXISTS (SELECT 1 FROM dead_letters WHERE delivery_id = $1 AND resolved_at IS NULL)`,
      [deliveryId],
    );
    return rowCount === 1;
  }

  /** Sets a delivery's status (pending before a retry; back again when the retry could not start). */
  async setStatus(deliveryId: string, status: DeliveryStatus): Promise<void> {
    await this.db.query('UPDATE deliveries SET status = $2, updated_at = now() WHERE id = $1', [deliveryId, status]);
  }
}
