import type { Queryable } from './database';

/** One bucket of an endpoint's attempts. Latencies are the attempts' durations, in ms; null when it has none. */
export interface AttemptBucket {
  start: Date;
  attempts: number;
  /** Attempts the receiver answered with a 2xx. */
  succeeded: number;
  /** Attempts by outcome: `2xx`..`5xx` by status class, else the network reason code (`timeout`, `connection_refused`, ...). */
  byOutcome: Record<string, number>;
  latencyMs: { p50: number | null; p95: number | null };
}

interface BucketRow {
  start: Date;
  attempts: string;
  succeeded: string;
  outcomes: Record<string, string | number> | null;
  p50: number | null;
  p95: number | null;
}

/** The most event types {@link PortalRepository.usedEventTypes} lists. */
export const MAX_USED_EVENT_TYPES = 1000;

/** Read-only SQL the portal's charts and pickers need, beyond the lists. */
export class PortalRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * The endpoint's attempts in the last `buckets` buckets of `bucketSeconds`, aligned to whole multiples of
   * the bucket since the Unix epoch (UTC), the last one holding now; empty buckets included. One statement:
   * a range of delivery_attempts_endpoint_started_idx (migration 021), grouped in PostgreSQL.
   */
  async attemptBuckets(endpointId: string, bucketSeconds: number, buckets: number): Promise<AttemptBucket[]> {
    const { rows } = await this.db.query<BucketRow>(
      `WITH span AS (
         SELECT to_timestamp((floor(extract(epoch FROM now()) / $2::float8) + 1) * $2::float8) - make_interval(secs => $2::float8 * $3::int) AS from_at
       ),
       recent AS (
         SELECT floor(extract(epoch FROM a.started_at - s.from_at) / $2::float8)::int AS i, a.duration_ms,
           CASE WHEN a.status_code IS NOT NULL THEN (a.status_code / 100)::text || 'xx'
                ELSE coalesce(nullif(split_part(a.error, ':', 1), ''), 'network_error') END AS outcome
         FROM span s JOIN delivery_attempts a
           ON a.endpoint_id = $1 AND a.started_at >= s.from_at AND a.started_at < s.from_at + make_interval(secs => $2::float8 * $3::int)
       ),
       per_bucket AS (
         SELECT i, count(*) AS attempts, count(*) FILTER (WHERE outcome = '2xx') AS succeeded,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
         FROM recent GROUP BY i
       ),
       per_outcome AS (
         SELECT i, jsonb_object_agg(outcome, n) AS outcomes FROM (SELECT i, outcome, count(*) AS n FROM recent GROUP BY i, outcome) o GROUP BY i
       )
       SELECT s.from_at + make_interval(secs => $2::float8 * g.i) AS start, coalesce(b.attempts, 0) AS attempts,
         coalesce(b.succeeded, 0) AS succeeded, o.outcomes, b.p50, b.p95
       FROM span s CROSS JOIN generate_series(0, $3::int - 1) AS g (i)
         LEFT JOIN per_bucket b ON b.i = g.i LEFT JOIN per_outcome o ON o.i = g.i
       ORDER BY g.i`,
      [endpointId, bucketSeconds, buckets],
    );
    const ms = (v: number | null): number | null => (v === null ? null : Math.round(v));
    return rows.map((r) => ({
      start: r.start,
      attempts: Number(r.attempts),
      succeeded: Number(r.succeeded),
      byOutcome: Object.fromEntries(Object.entries(r.outcomes ?? {}).map(([k, v]) => [k, Number(v)])),
      latencyMs: { p50: ms(r.p50), p95: ms(r.p95) },
    }));
  }

  /**
   * The distinct event types of the application's messages and of its live endpoints' subscriptions,
   * sorted, at most {@link MAX_USED_EVENT_TYPES}. The messages' are read by a loose index scan of
   * messages_application_event_type_idx (migration 021): one index probe per distinct type, however many
   * messages share it.
   */
  async usedEventTypes(applicationId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ event_type: string }>(
      `WITH RECURSIVE sent AS (
         (SELECT event_type, 1 AS n FROM messages WHERE application_id = $1 ORDER BY event_type LIMIT 1)
         UNION ALL
         SELECT (SELECT m.event_type FROM messages m WHERE m.application_id = $1 AND m.event_type > sent.event_type ORDER BY m.event_type LIMIT 1), sent.n + 1
         FROM sent WHERE sent.event_type IS NOT NULL AND sent.n < $2
       )
       SELECT event_type FROM sent WHERE event_type IS NOT NULL
       UNION
       SELECT unnest(event_types) FROM endpoints WHERE application_id = $1 AND deleted_at IS NULL AND event_types IS NOT NULL
       ORDER BY 1 LIMIT $2`,
      [applicationId, MAX_USED_EVENT_TYPES],
    );
    return rows.map((r) => r.event_type);
  }
}
