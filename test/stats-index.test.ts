import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Database } from '../src/db/database';
import { ActivityLogRepository } from '../src/db/activity-log.repository';
import { StatsRepository } from '../src/db/stats.repository';
import { migratedDatabaseForSuite, planOf, type PlanNode } from './support/query-plan';

const ROWS = 100_000;
// Deliveries ended within the last hour, among 100,000 spread over 100 days.
const RECENT = 40;

describe('/v1/stats on a large deliveries table', () => {
  let db: Database;

  migratedDatabaseForSuite(async (created) => {
    db = created;
    // Two applications: a small one (endpoint ep_11, messages numbered 100n + 1: 1 %) among a busy one.
    await db.query(`INSERT INTO applications (id, uid, name) VALUES ('app_other', 'other', 'Other')`);
    await db.query(`INSERT INTO endpoints (id, application_id, url, secret, retry_policy, timeout_ms)
      SELECT 'ep_' || i, CASE WHEN i = 11 THEN 'app_other' ELSE 'app_default' END, 'http://127.0.0.1:9/', 'sealed', '{}'::jsonb, 1000
      FROM generate_series(1, 11) i`);
    // Created from 100 days ago up to 2 hours ago; the last RECENT within the hour.
    await db.query(
      `INSERT INTO messages (id, application_id, event_type, payload, created_at)
       SELECT 'msg_' || i, CASE WHEN i % 100 = 1 THEN 'app_other' ELSE 'app_default' END, 'e.' || (i % 7), '{}'::json,
              CASE WHEN i > $1 - $2 THEN now() - make_interval(secs => i % 3000 / 10.0 + 1)
                   ELSE now() - interval '2 hours' - make_interval(secs => (i * 86.4)::float8) END
       FROM generate_series(1, $1) i`,
      [ROWS, RECENT],
    );
    await db.query(
      `INSERT INTO deliveries (id, application_id, message_id, endpoint_id, workflow_id, status, created_at, updated_at)
       SELECT 'dlv_' || substr(m.id, 5), m.application_id, m.id,
              CASE WHEN m.application_id = 'app_other' THEN 'ep_11' ELSE 'ep_' || (substr(m.id, 5)::int % 10 + 1) END, 'wf-' || m.id,
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

  /** Asserts no table of `tables` is scanned whole and that `index` is used; `what` names the statement. */
  function assertIndexed(all: PlanNode[], tables: string[], index: string, what: string): void {
    const scans = all.filter((n) => n['Relation Name'] && tables.includes(n['Relation Name'])).map((n) => `${n['Node Type']} ${n['Relation Name']} ${n['Index Name'] ?? ''}`.trim());
    assert.ok(!scans.some((scan) => scan.startsWith('Seq Scan')), `${what}: ${scans.join(', ')}`);
    assert.ok(all.some((n) => n['Index Name'] === index), `${what} does not use ${index}: ${scans.join(', ')}`);
  }

  test(`the figures are read through an index, not a scan of ${ROWS.toLocaleString('en')} deliveries`, async () => {
    const all = await planOf(db, (explaining) => new StatsRepository(explaining).headlineFigures(3_600_000));
    assertIndexed(all, ['deliveries'], 'deliveries_ended_created_idx', 'the figures');

    const figures = await new StatsRepository(db).headlineFigures(3_600_000);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries WHERE status <> 'pending' AND created_at >= now() - interval '1 hour'`,
    );
    assert.equal(figures.overall.deliveries, rows[0].n);
    assert.ok(rows[0].n > 0 && rows[0].n <= RECENT);
  });

  test("a small application's month of figures is read through its own index range, not the busy one's", async () => {
    const month = 31 * 86_400_000;
    // dead_letters is empty here, so it is left to the planner.
    const all = await planOf(db, (explaining) => new StatsRepository(explaining).headlineFigures(month, 'app_other'));
    assertIndexed(all, ['deliveries'], 'deliveries_application_ended_idx', "an application's figures");

    const figures = await new StatsRepository(db).headlineFigures(month, 'app_other');
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM deliveries WHERE application_id = 'app_other' AND status <> 'pending' AND created_at >= now() - interval '31 days'`,
    );
    assert.equal(figures.overall.deliveries, rows[0].n);
    assert.ok(rows[0].n > 0 && rows[0].n < (await new StatsRepository(db).headlineFigures(month)).overall.deliveries);
    assert.deepEqual(figures.endpoints.map((e) => e.endpointId), ['ep_11'], "only the application's endpoints");
  });

  test('a deep page of an application\'s messages or an endpoint\'s deliveries starts at its cursor in an index', async () => {
    // A cursor far back: half way through the small application's 1,000 messages.
    const cursor = 'msg_50001';
    const messages = await planOf(db, (explaining) => new ActivityLogRepository(explaining).messages('app_other', { limit: 50, after: cursor }));
    assertIndexed(messages, ['messages', 'deliveries'], 'messages_application_created_idx', 'the message list');
    const page = await new ActivityLogRepository(db).messages('app_other', { limit: 50, after: cursor });
    assert.equal(page?.length, 50);

    const deliveries = await planOf(db, (explaining) => new ActivityLogRepository(explaining).deliveries('app_other', 'ep_11', { limit: 50, after: 'dlv_50001' }));
    assertIndexed(deliveries, ['deliveries', 'messages', 'delivery_attempts'], 'deliveries_endpoint_created_idx', 'the delivery list');
    const deliveryPage = await new ActivityLogRepository(db).deliveries('app_other', 'ep_11', { limit: 50, after: 'dlv_50001' });
    assert.equal(deliveryPage?.length, 50);
    assert.ok(deliveryPage?.every((d) => d.lastAttempt?.attempt === 1 && d.attempts === 1));
  });
});
