import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { QueryResultRow } from 'pg';
import { Database, type Queryable } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { StatsRepository } from '../src/db/stats.repository';
import { createTestDatabase, dropTestDatabase } from './support/test-hookway';

const ROWS = 100_000;
// Deliveries ended within the last hour, among 100,000 spread over 100 days.
const RECENT = 40;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

describe('/v1/stats on a large deliveries table', () => {
  let url: string;
  let db: Database;

  before(async () => {
    url = await createTestDatabase();
    db = new Database(url);
    await migrate(db);
    await db.query(`INSERT INTO endpoints (id, application_id, url, secret, retry_policy, timeout_ms)
      SELECT 'ep_' || i, 'app_default', 'http://127.0.0.1:9/', 'sealed', '{}'::jsonb, 1000 FROM generate_series(1, 10) i`);
    // Created from 100 days ago up to 2 hours ago; the last RECENT within the hour.
    await db.query(
      `INSERT INTO messages (id, application_id, event_type, payload, created_at)
       SELECT 'msg_' || i, 'app_default', 'e.' || (i % 7), '{}'::json,
              CASE WHEN i > $1 - $2 THEN now() - make_interval(secs => i % 3000 / 10.0 + 1)
                   ELSE now() - interval '2 hours' - make_interval(secs => (i * 86.4)::float8) END
       FROM generate_series(1, $1) i`,
      [ROWS, RECENT],
    );
    await db.query(
      `INSERT INTO deliveries (id, application_id, message_id, endpoint_id, workflow_id, status, created_at, updated_at)
       SELECT 'dlv_' || substr(m.id, 5), m.application_id, m.id, 'ep_' || (substr(m.id, 5)::int % 10 + 1), 'wf-' || m.id,
              CASE WHEN substr(m.id, 5)::int % 50 = 0 THEN 'pending' WHEN substr(m.id, 5)::int % 20 = 0 THEN 'dead_lettered' ELSE 'succeeded' END,
              m.created_at, m.created_at + interval '1 second'
       FROM messages m`,
    );
    await db.query(
      `INSERT INTO delivery_attempts (delivery_id, run_id, attempt, started_at, duration_ms, status_code)
       SELECT d.id, 'run', 1, d.created_at, 5, CASE WHEN d.status = 'succeeded' THEN 200 ELSE 503 END FROM deliveries d`,
    );
    await db.query('ANALYZE');
  });
  after(async () => {
    await db.close();
    await dropTestDatabase(url);
  });

  test(`the figures are read through an index, not a scan of ${ROWS.toLocaleString('en')} deliveries`, async () => {
    let plan: PlanNode | undefined;
    // Explains the repository's own statement instead of running it.
    const explaining: Queryable = {
      query: async <R extends QueryResultRow>(text: string, params?: readonly unknown[]) => {
        if (plan) return db.query<R>(text, params);
        const { rows } = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
        plan = rows[0]['QUERY PLAN'][0].Plan;
        return { rows: [], rowCount: 0 };
      },
    };
    await new StatsRepository(explaining).headlineFigures(3_600_000);
    assert.ok(plan);
    const all = nodes(plan);
    const onDeliveries = all.filter((n) => n['Relation Name'] === 'deliveries');
    const scans = onDeliveries.map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`.trim());
    assert.ok(!scans.includes('Seq Scan'), `deliveries read by: ${scans.join(', ')}`);
    assert.ok(all.some((n) => n['Index Name'] === 'deliveries_ended_created_idx'), `deliveries read by: ${scans.join(', ')}`);

    const figures = await new StatsRepository(db).headlineFigures(3_600_000);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries WHERE status <> 'pending' AND created_at >= now() - interval '1 hour'`,
    );
    assert.equal(figures.overall.deliveries, rows[0].n);
    assert.ok(rows[0].n > 0 && rows[0].n <= RECENT);
  });
});
