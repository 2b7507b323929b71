import type { Queryable } from './database';
import type { MessageEnvelope } from './message-envelope';

/** Where a delivery's schedule was when it parked. */
export interface ParkPlan {
  /** Attempts it made before parking: its next run continues from there. */
  attempts: number;
  /** The delays its schedule still had: still parked after them, it is dead-lettered. */
  scheduleLeftMs: number;
}

/** A parked delivery, which the circuit workflow runs again. */
export interface ParkedDelivery {
  deliveryId: string;
  workflowId: string;
  /** When it parked, as PostgreSQL's text (microseconds kept, unlike a JS Date): tells a later parking apart. */
  parkedAt: string;
  /** Attempts made before it parked. */
  attempts: number;
  /** Its message, to build the new run's input. */
  message: MessageEnvelope;
}

const PARKED_COLUMNS = `d.id, d.workflow_id, d.parked_at::text AS parked_at,
  COALESCE(d.parked_attempts, 0) AS attempts, m.id AS message_id, m.event_type, m.ordering_key, m.created_at AS message_created_at`;

interface ParkedRow {
  id: string;
  workflow_id: string;
  parked_at: string;
  attempts: number;
  message_id: string;
  event_type: string;
  ordering_key: string | null;
  message_created_at: Date;
}

function toParked(row: ParkedRow): ParkedDelivery {
  return {
    deliveryId: row.id,
    workflowId: row.workflow_id,
    parkedAt: row.parked_at,
    attempts: row.attempts,
    message: { id: row.message_id, eventType: row.event_type, orderingKey: row.ordering_key, createdAt: row.message_created_at },
  };
}

/** An endpoint's circuit as stored. */
export interface CircuitState {
  /** When the circuit opened; null while closed. */
  openedAt: Date | null;
}

/** An endpoint whose circuit needs its workflow: open, or closed with deliveries still parked. */
export interface CircuitNeedingWorkflow {
  endpointId: string;
  open: boolean;
}

/** A `$n` parameter of the statement a circuit fragment is composed into. */
export type Placeholder = `$${number}`;

/** A column of a row the fragment is composed beside, as `alias.column`. */
export type ColumnReference = `${string}.${string}`;

/**
 * SET list that starts an endpoint afresh: no failure clock, no failures in a row, circuit closed. A
 * success does it ({@link closeOnSuccessSql}), and so does re-enabling the endpoint
 * (EndpointsRepository.update).
 */
export const CIRCUIT_RESET = 'failing_since = NULL, consecutive_failures = 0, circuit_opened_at = NULL';

/**
 * A failed attempt's count against its endpoint, as the body of a CTE in the statement that stores the
 * attempt: starts the failure clock (`failing_since`) unless it runs already, adds one to the failures in a
 * row, and opens the circuit when they reach the threshold (0: never). Returns the endpoint's
 * `failing_since` and `circuit_opened_at` after the change; `circuit_opened_at = now()` when this failure
 * opened it. Updating the row locks it, so concurrent failures count one after another.
 * @param $ endpointId (text) and threshold (int).
 */
export function countFailureSql($: { endpointId: Placeholder; threshold: Placeholder }): string {
  return `UPDATE endpoints SET failing_since = COALESCE(failing_since, now()),
      consecutive_failures = consecutive_failures + 1,
      circuit_opened_at = CASE WHEN circuit_opened_at IS NULL AND ${$.threshold}::int > 0 AND consecutive_failures + 1 >= ${$.threshold}::int
                               THEN now() ELSE circuit_opened_at END
    WHERE id = ${$.endpointId} RETURNING failing_since, circuit_opened_at`;
}

/**
 * Parks the delivery whose attempt just failed, as the body of a CTE after {@link countFailureSql}'s:
 * when `park` is true and the circuit is open as the failure left it (read from the CTE `failed` names), it
 * parks with `attempts` made and `scheduleLeftMs` of its schedule left, as {@link CircuitsRepository.park}
 * does (a deadline it already has stands). Otherwise it unparks a delivery parked before the attempt began
 * (`startedAt`), since that attempt went ahead; a later parking, by a retry of this attempt, stands. Only a
 * pending delivery is touched. Returns `parked` for it.
 * @param failed the name of the CTE that counted the failure.
 * @param $ deliveryId (text), startedAt (timestamptz: the attempt's start), park (boolean: false for a last
 *   attempt, a permanent failure or with circuits turned off), attempts (int) and scheduleLeftMs (float8).
 */
export function parkAfterFailureSql(
  failed: string,
  $: { deliveryId: Placeholder; startedAt: Placeholder; park: Placeholder; attempts: Placeholder; scheduleLeftMs: Placeholder },
): string {
  return `UPDATE deliveries SET
      parked_at = CASE WHEN park.yes THEN now() END,
      parked_attempts = CASE WHEN park.yes THEN ${$.attempts}::int ELSE parked_attempts END,
      parked_until = CASE WHEN park.yes THEN COALESCE(parked_until, now() + make_interval(secs => ${$.scheduleLeftMs}::float8 / 1000))
                          ELSE parked_until END
    FROM (SELECT ${$.park}::boolean AND (SELECT circuit_opened_at FROM ${failed}) IS NOT NULL AS yes) AS park
    WHERE id = ${$.deliveryId} AND status = 'pending' AND (park.yes OR parked_at < ${$.startedAt})
    RETURNING parked_at IS NOT NULL AS parked`;
}

/**
 * A successful attempt's effect on its endpoint, as the body of a CTE in the statement that stores the
 * attempt: starts the endpoint afresh ({@link CIRCUIT_RESET}), closing its circuit. The row is written
 * only when there is something to reset, so a healthy endpoint's successes leave it alone. Returns
 * `was_open`, whether the circuit was open (its parked deliveries can go); no row when nothing changed.
 * @param $ endpointId (text).
 */
export function closeOnSuccessSql($: { endpointId: Placeholder }): string {
  return `UPDATE endpoints e SET ${CIRCUIT_RESET}
    FROM (SELECT circuit_opened_at FROM endpoints WHERE id = ${$.endpointId}) AS before
    WHERE e.id = ${$.endpointId} AND (e.failing_since IS NOT NULL OR e.consecutive_failures > 0 OR e.circuit_opened_at IS NOT NULL)
    RETURNING before.circuit_opened_at IS NOT NULL AS was_open`;
}

/**
 * How a delivery being created starts, as a one-row subquery for its INSERT: `at`, `attempts` and `until`
 * (its `parked_at`, `parked_attempts`, `parked_until`) park it when `park` is true and its endpoint's circuit
 * is open, with `attempts` made and `scheduleLeftMs` of its schedule left; all null otherwise. It reads the
 * circuit under a share lock, so a circuit closing meanwhile waits for the creation to commit, then
 * releases the new delivery.
 * @param $ endpointId (text), park (boolean), attempts (int) and scheduleLeftMs (float8), columns of each
 *   delivery's row.
 */
export function parkOnCreationSql($: { endpointId: ColumnReference; park: ColumnReference; attempts: ColumnReference; scheduleLeftMs: ColumnReference }): string {
  return `SELECT CASE WHEN parked THEN now() END AS at, CASE WHEN parked THEN ${$.attempts}::int END AS attempts,
      CASE WHEN parked THEN now() + make_interval(secs => ${$.scheduleLeftMs}::float8 / 1000) END AS until
    FROM (SELECT EXISTS (SELECT 1 FROM endpoints WHERE ${$.park}::boolean AND id = ${$.endpointId} AND circuit_opened_at IS NOT NULL FOR SHARE)
          AS parked) AS o`;
}

/**
 * SQL of the per-endpoint circuit breaker. Every statement that moves an endpoint's circuit
 * (`endpoints.consecutive_failures`, `circuit_opened_at`, and the failure clock `failing_since` that moves
 * with them) or parks a delivery is written here:
 * - as methods, for the circuit workflow (probe, close unprobed, release) and for parking before an attempt;
 * - as fragments that other repositories compose into their own statements, so that the change commits
 *   with what causes it, in one round trip: DeliveriesRepository.recordFailure is {@link countFailureSql}
 *   and {@link parkAfterFailureSql}, recordSuccess is {@link closeOnSuccessSql}; re-enabling an endpoint
 *   applies {@link CIRCUIT_RESET} (EndpointsRepository.update); a delivery created behind an open circuit
 *   parks at once with {@link parkOnCreationSql} (MessagesRepository.accept).
 * A delivery that is delivered, dead-lettered or reopened for a retry stops being parked in the statement
 * that does it (DeliveriesRepository, DeadLettersRepository).
 *
 * Parking locks the endpoint's row (FOR SHARE, or by updating it after a failure) and closing the circuit
 * updates it, so a delivery is either parked before the circuit closes, and then released, or finds it
 * closed and attempts: none is left parked behind a closed circuit.
 */
export class CircuitsRepository {
  constructor(private readonly db: Queryable) {}

  /** The endpoint's circuit; undefined when the endpoint is gone. */
  async state(endpointId: string): Promise<CircuitState | undefined> {
    const { rows } = await this.db.query<{ circuit_opened_at: Date | null }>(
      'SELECT circuit_opened_at FROM endpoints WHERE id = $1 AND deleted_at IS NULL',
      [endpointId],
    );
    return rows[0] ? { openedAt: rows[0].circuit_opened_at } : undefined;
  }

  /**
   * Parks a delivery if its endpoint's circuit is (still) open.
   * @returns false when the circuit has closed meanwhile, or the delivery is no longer pending (dead-lettered
   *   while a probe ran it): the delivery should attempt.
   */
  async park(deliveryId: string, endpointId: string, plan: ParkPlan): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `WITH open AS (SELECT 1 FROM endpoints WHERE id = $2 AND circuit_opened_at IS NOT NULL FOR SHARE)
       UPDATE deliveries SET parked_at = now(), parked_attempts = $3,
         parked_until = COALESCE(parked_until, now() + make_interval(secs => $4::float8 / 1000))
       WHERE id = $1 AND status = 'pending' AND EXISTS (SELECT 1 FROM open)`,
      [deliveryId, endpointId, plan.attempts, plan.scheduleLeftMs],
    );
    return rowCount === 1;
  }

  /** Milliseconds until the next of the endpoint's parked deliveries runs out of schedule; null when none waits. */
  async nextExpiryInMs(endpointId: string): Promise<number | null> {
    const { rows } = await this.db.query<{ ms: number | null }>(
      `SELECT (extract(epoch FROM min(parked_until) - now()) * 1000)::float8 AS ms FROM deliveries
       WHERE endpoint_id = $1 AND parked_at IS NOT NULL AND status = 'pending'`,
      [endpointId],
    );
    return rows[0]?.ms === null || rows[0]?.ms === undefined ? null : Math.max(0, Math.ceil(rows[0].ms));
  }

  /**
   * Picks the delivery that parked longest ago to probe the endpoint with (one whose schedule has not run
   * out, if any), and moves it to the back of the line, so consecutive probes try different deliveries and
   * none is probed twice at once. `probed_at` shields it from expiry while its probe attempts (see
   * DeadLettersRepository.expireParked).
   */
  async takeProbe(endpointId: string): Promise<ParkedDelivery | undefined> {
    const { rows } = await this.db.query<ParkedRow>(
      `UPDATE deliveries d SET parked_at = now(), probed_at = now() FROM messages m
       WHERE m.application_id = d.application_id AND m.id = d.message_id
         AND d.id = (SELECT id FROM deliveries WHERE endpoint_id = $1 AND parked_at IS NOT NULL AND status = 'pending'
                     ORDER BY parked_until <= now() NULLS FIRST, parked_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING ${PARKED_COLUMNS}`,
      [endpointId],
    );
    return rows[0] ? toParked(rows[0]) : undefined;
  }

  /** Whether the delivery is still pending and parked as it was read (not dead-lettered, delivered or parked again). */
  async stillParked(delivery: ParkedDelivery): Promise<boolean> {
    const { rows } = await this.db.query(
      "SELECT 1 FROM deliveries WHERE id = $1 AND status = 'pending' AND parked_at = $2::timestamptz",
      [delivery.deliveryId, delivery.parkedAt],
    );
    return rows.length === 1;
  }

  /**
   * Closes an open circuit that has nothing parked to probe with, keeping its failure count: the next
   * attempt is a real one, and if it fails the circuit opens again at once.
   */
  async closeUnprobed(endpointId: string): Promise<void> {
    await this.db.query('UPDATE endpoints SET circuit_opened_at = NULL WHERE id = $1', [endpointId]);
  }

  /**
   * Up to `limit` parked deliveries to release, those parked longest first, if the endpoint's circuit is
   * closed (or the endpoint gone: its deliveries then end on their own). They stay parked until
   * {@link unpark}, so a release cut short is picked up again.
   */
  async releasable(endpointId: string, limit: number): Promise<ParkedDelivery[]> {
    const { rows } = await this.db.query<ParkedRow>(
      `SELECT ${PARKED_COLUMNS} FROM deliveries d JOIN messages m ON m.application_id = d.application_id AND m.id = d.message_id
       WHERE d.endpoint_id = $1 AND d.parked_at IS NOT NULL AND d.status = 'pending'
         AND NOT EXISTS (SELECT 1 FROM endpoints e WHERE e.id = $1 AND e.circuit_opened_at IS NOT NULL AND e.deleted_at IS NULL)
       ORDER BY d.parked_at LIMIT $2`,
      [endpointId, limit],
    );
    return rows.map(toParked);
  }

  /** Unparks woken deliveries; one that parked again since it was read stays parked. */
  async unpark(deliveries: ParkedDelivery[]): Promise<void> {
    await this.db.query(
      `UPDATE deliveries d SET parked_at = NULL FROM unnest($1::text[], $2::timestamptz[]) AS w(id, parked_at)
       WHERE d.id = w.id AND d.parked_at = w.parked_at`,
      [deliveries.map((d) => d.deliveryId), deliveries.map((d) => d.parkedAt)],
    );
  }

  /**
   * Endpoints whose circuit workflow should be running: every open circuit, and closed ones (or deleted
   * endpoints) with deliveries parked for longer than `olderThanMs`, which a workflow must release.
   */
  async needingWorkflow(olderThanMs: number, limit: number): Promise<CircuitNeedingWorkflow[]> {
    const { rows } = await this.db.query<{ id: string; open: boolean }>(
      `SELECT id, true AS open FROM endpoints WHERE circuit_opened_at IS NOT NULL AND deleted_at IS NULL
       UNION
       SELECT DISTINCT d.endpoint_id, false FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
       WHERE d.parked_at < now() - make_interval(secs => $1::float8 / 1000) AND d.status = 'pending'
         AND (e.circuit_opened_at IS NULL OR e.deleted_at IS NOT NULL)
       LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => ({ endpointId: r.id, open: r.open }));
  }

  /** Endpoints with an open circuit or parked deliveries, and how many are parked: for the metrics. */
  async summary(): Promise<{ endpointId: string; open: boolean; parked: number }[]> {
    const { rows } = await this.db.query<{ id: string; open: boolean; parked: number }>(
      `SELECT e.id, e.circuit_opened_at IS NOT NULL AS open,
              (SELECT count(*)::int FROM deliveries d WHERE d.endpoint_id = e.id AND d.parked_at IS NOT NULL AND d.status = 'pending') AS parked
       FROM endpoints e
       WHERE e.circuit_opened_at IS NOT NULL
          OR e.id IN (SELECT DISTINCT endpoint_id FROM deliveries WHERE parked_at IS NOT NULL AND status = 'pending')`,
    );
    return rows.map((r) => ({ endpointId: r.id, open: r.open, parked: r.parked }));
  }
}
