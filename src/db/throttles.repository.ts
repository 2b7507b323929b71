import type { Queryable } from './database';

/** The rate an endpoint falls to at its first 429 when it has no limit of its own (requests per second). */
export const FIRST_SLOWDOWN_RATE = 5;
/** Slowed endpoints without a limit of their own become unlimited again past this rate. */
export const UNLIMITED_ABOVE_RATE = 50;
/** Nothing is slowed below one request per ten seconds. */
const MIN_RATE = 0.1;
// Slots are spaced 5 % wider than the rate asks, so that the few tens of ms a busy worker may send late
// do not push a one-second window over the limit.
const SPACING = 1.05;

/**
 * Per-endpoint (and per-application) pacing shared by all workers through one row each: every request reserves the next free
 * slot (`rate` apart), so the limit holds however many workers send. 429s halve the rate; each success
 * then raises it by a tenth until it reaches the endpoint's own limit (or, without one, the row goes).
 */
export class ThrottlesRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Reserves the endpoint's next slot at `rate` and, when its application has a limit, the application's
   * next slot at `application.rate` (each used when no row exists yet), in one statement: an attempt goes
   * at the later of the two, so neither limit is exceeded however many workers send.
   * @returns how long to wait for that slot, in ms.
   */
  async reserve(endpointId: string, rate: number | null, application?: { id: string; rate: number | null }): Promise<number> {
    const { rows } = await this.db.query<{ wait_ms: number }>(
      `WITH endpoint_slot AS (
         INSERT INTO endpoint_throttles AS t (endpoint_id, rate, next_slot)
         SELECT $1, $2::float8, clock_timestamp() + make_interval(secs => $3 / $2::float8) WHERE $2::float8 IS NOT NULL
         ON CONFLICT (endpoint_id) DO UPDATE
           SET next_slot = GREATEST(t.next_slot, clock_timestamp()) + make_interval(secs => $3 / t.rate)
         RETURNING t.next_slot - make_interval(secs => $3 / t.rate) AS slot
       ), application_slot AS (
         INSERT INTO application_throttles AS a (application_id, rate, next_slot)
         SELECT $4, $5::float8, clock_timestamp() + make_interval(secs => $3 / $5::float8) WHERE $5::float8 IS NOT NULL
         ON CONFLICT (application_id) DO UPDATE
           SET next_slot = GREATEST(a.next_slot, clock_timestamp()) + make_interval(secs => $3 / a.rate)
         RETURNING a.next_slot - make_interval(secs => $3 / a.rate) AS slot
       )
       SELECT GREATEST(0, EXTRACT(EPOCH FROM (GREATEST((SELECT slot FROM endpoint_slot), (SELECT slot FROM application_slot)) - clock_timestamp())) * 1000)::int AS wait_ms`,
      [endpointId, rate, SPACING, application?.id ?? null, application?.rate ?? null],
    );
    return rows[0].wait_ms ?? 0;
  }

  /** A 429: halves the endpoint's rate (or starts it at its limit's half, or {@link FIRST_SLOWDOWN_RATE}). */
  async slowDown(endpointId: string, limit: number | null): Promise<void> {
    await this.db.query(
      `INSERT INTO endpoint_throttles AS t (endpoint_id, rate, next_slot, slowed_at)
       VALUES ($1, $2::float8, clock_timestamp(), now())
       ON CONFLICT (endpoint_id) DO UPDATE SET rate = GREATEST($3::float8, t.rate / 2), slowed_at = now()`,
      [endpointId, Math.max(MIN_RATE, (limit ?? FIRST_SLOWDOWN_RATE * 2) / 2), MIN_RATE],
    );
  }

  /** A success while slowed: raises the rate by a tenth, up to `limit`; without a limit, frees it past a ceiling. */
  async recover(endpointId: string, limit: number | null): Promise<void> {
    if (limit === null) {
      await this.db.query(
        `WITH raised AS (UPDATE endpoint_throttles SET rate = rate * 1.1 WHERE endpoint_id = $1 RETURNING rate)
         DELETE FROM endpoint_throttles WHERE endpoint_id = $1 AND (SELECT rate FROM raised) > $2`,
        [endpointId, UNLIMITED_ABOVE_RATE],
      );
      return;
    }
    await this.db.query('UPDATE endpoint_throttles SET rate = LEAST($2, rate * 1.1) WHERE endpoint_id = $1', [endpointId, limit]);
  }

  /** Forgets the application's pacing (its limit changed). */
  async resetApplication(applicationId: string): Promise<void> {
    await this.db.query('DELETE FROM application_throttles WHERE application_id = $1', [applicationId]);
  }

  /** Forgets the endpoint's pacing (its limit changed). */
  async reset(endpointId: string): Promise<void> {
    await this.db.query('DELETE FROM endpoint_throttles WHERE endpoint_id = $1', [endpointId]);
  }
}
