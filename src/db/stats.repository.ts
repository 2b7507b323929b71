import type { Queryable } from './database';

/** The field report's four headline figures, over a window. Rates are 0..1; null when nothing ended. */
export interface HeadlineFigures {
  /** Deliveries that ended (succeeded or dead-lettered) among those created in the window. */
  deliveries: number;
  firstAttemptSuccessRate: number | null;
  /** Accepted → delivered, of deliveries that succeeded, in ms. */
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  failureRate: number | null;
  /** Open dead letters right now (not windowed). */
  deadLetters: number;
}

interface FiguresRow {
  endpoint_id: string | null;
  ended: string;
  first_ok: string;
  dead: string;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  open_dead_letters: string;
}

function toFigures(row: FiguresRow): HeadlineFigures {
  const ended = Number(row.ended);
  const ratio = (n: string): number | null => (ended === 0 ? null : Number(n) / ended);
  const ms = (v: number | null): number | null => (v === null ? null : Math.round(v));
  return {
    deliveries: ended,
    firstAttemptSuccessRate: ratio(row.first_ok),
    latencyMs: { p50: ms(row.p50), p95: ms(row.p95), p99: ms(row.p99) },
    failureRate: ratio(row.dead),
    deadLetters: Number(row.open_dead_letters),
  };
}

/**
 * Computes the headline figures from PostgreSQL alone, for teams without Prometheus: overall (one
 * grouping set) and per endpoint (the other), in one statement.
 */
export class StatsRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Figures for deliveries created in the last `windowMs`, overall and per endpoint: of every application,
   * or of `applicationId`'s only.
   */
  async headlineFigures(windowMs: number, applicationId?: string): Promise<{ overall: HeadlineFigures; endpoints: (HeadlineFigures & { endpointId: string })[] }> {
    // Built per scope, so each is an index range however many deliveries the table holds: the window's
    // conditions are those of deliveries_ended_created_idx (migration 011), and with the application those
    // of deliveries_application_ended_idx (017); its open dead letters are dead_letters_application_idx's.
    const scoped = applicationId !== undefined;
    const inApplication = (alias: string): string => (scoped ? `AND ${alias}application_id = $2` : '');
    const params: unknown[] = scoped ? [windowMs, applicationId] : [windowMs];
    const { rows } = await this.db.query<FiguresRow>(
      `WITH recent AS (
         SELECT d.id, d.endpoint_id, d.status, d.updated_at, m.created_at AS accepted_at
         FROM deliveries d JOIN messages m ON m.application_id = d.application_id AND m.id = d.message_id
         WHERE d.created_at >= now() - make_interval(secs => $1::float8 / 1000) AND d.status <> 'pending' ${inApplication('d.')}
       ),
       per_delivery AS (
         SELECT r.*,
           EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = r.id AND a.attempt = 1
                   AND a.status_code BETWEEN 200 AND 299) AS first_ok,
           CASE WHEN r.status = 'succeeded' THEN EXTRACT(EPOCH FROM (r.updated_at - r.accepted_at)) * 1000 END AS latency_ms
         FROM recent r
       ),
       open_dlq AS (
         SELECT endpoint_id, count(*) AS open FROM dead_letters WHERE resolved_at IS NULL ${inApplication('')} GROUP BY endpoint_id
       ),
       figures AS (
         SELECT endpoint_id, count(*) AS ended, count(*) FILTER (WHERE first_ok) AS first_ok,
           count(*) FILTER (WHERE status = 'dead_lettered') AS dead,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
           percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99,
           GROUPING(endpoint_id) AS overall
         FROM per_delivery GROUP BY GROUPING SETS ((), (endpoint_id))
       )
       SELECT CASE WHEN f.overall = 1 THEN NULL ELSE f.endpoint_id END AS endpoint_id, f.ended, f.first_ok, f.dead, f.p50, f.p95, f.p99,
         CASE WHEN f.overall = 1 THEN (SELECT coalesce(sum(open), 0) FROM open_dlq)
              ELSE coalesce((SELECT open FROM open_dlq o WHERE o.endpoint_id = f.endpoint_id), 0) END AS open_dead_letters
       FROM figures f ORDER BY f.overall DESC, f.endpoint_id`,
      params,
    );
    const overallRow = rows.find((r) => r.endpoint_id === null);
    const empty: FiguresRow = { endpoint_id: null, ended: '0', first_ok: '0', dead: '0', p50: null, p95: null, p99: null, open_dead_letters: '0' };
    const overall = toFigures(overallRow ?? empty);
    if (!overallRow) {
      const { rows: open } = await this.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM dead_letters WHERE resolved_at IS NULL ${scoped ? 'AND application_id = $1' : ''}`,
        scoped ? [applicationId] : [],
      );
      overall.deadLetters = Number(open[0].n);
    }
    return {
      overall,
      endpoints: rows.filter((r) => r.endpoint_id !== null).map((r) => ({ endpointId: r.endpoint_id ?? '', ...toFigures(r) })),
    };
  }
}
