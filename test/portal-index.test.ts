import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Database } from '../src/db/database';
import { PortalRepository } from '../src/db/portal.repository';
import { migratedDatabaseForSuite, planOf, type PlanNode } from './support/query-plan';

const MESSAGES = 20_000;
const ENDPOINTS = 20;

describe('the portal charts and pickers on large tables', () => {
  let db: Database;

  migratedDatabaseForSuite(async (created) => {
    db = created;
    await db.query(`INSERT INTO endpoints (id, application_id, url, secret, retry_policy, timeout_ms)
      SELECT 'ep_' || i, 'app_default', 'http://127.0.0.1:9/', 'sealed', '{}'::jsonb, 1000 FROM generate_series(1, $1) i`, [ENDPOINTS]);
    // Messages of 12 event types over the last 10 days, one delivery each, spread over the endpoints.
    await db.query(
      `INSERT INTO messages (id, application_id, event_type, payload, created_at)
       SELECT 'msg_' || i, 'app_default', 'type.' || lpad((i % 12)::text, 2, '0'), '{}'::json, now() - make_interval(secs => (i * 43.2)::float8)
       FROM generate_series(1, $1) i`,
      [MESSAGES],
    );
    await db.query(
      `INSERT INTO deliveries (id, application_id, message_id, endpoint_id, workflow_id, status, created_at, updated_at)
       SELECT 'dlv_' || substr(m.id, 5), m.application_id, m.id, 'ep_' || (substr(m.id, 5)::int % $1 + 1), 'wf-' || m.id, 'succeeded', m.created_at, m.created_at
       FROM messages m`,
      [ENDPOINTS],
    );
    // Two attempts each (a 503, then a 200 a second later): 40,000 attempts. The 200s with their endpoint as
    // recording stores it; the 503s without, as a worker of the previous version records them during a
    // rolling upgrade, for migration 021's trigger to fill in.
    await db.query(
      `INSERT INTO delivery_attempts (delivery_id, run_id, attempt, started_at, duration_ms, status_code, endpoint_id)
       SELECT d.id, 'run', 2, d.created_at + make_interval(secs => 1), 20, 200, d.endpoint_id FROM deliveries d`,
    );
    await db.query(
      `INSERT INTO delivery_attempts (delivery_id, run_id, attempt, started_at, duration_ms, status_code)
       SELECT d.id, 'run', 1, d.created_at, 10, 503 FROM deliveries d`,
    );
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM delivery_attempts WHERE endpoint_id IS NULL');
    assert.equal(Number(rows[0].n), 0, 'every attempt has its endpoint, also those recorded without it');
    await db.query('ANALYZE');
  });

  /** Asserts `table` is never scanned whole and `index` is read. */
  function assertIndexed(all: PlanNode[], table: string, index: string): void {
    const scans = all.filter((n) => n['Relation Name'] === table).map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`.trim());
    assert.ok(scans.length > 0 && !scans.some((scan) => scan.startsWith('Seq Scan')), scans.join(', '));
    assert.ok(all.some((n) => n['Index Name'] === index), `${index} is not used: ${scans.join(', ')}`);
  }

  test("a day of one endpoint's attempts is one range of the (endpoint_id, started_at) index, not a scan of 40,000", async () => {
    const all = await planOf(db, (explaining) => new PortalRepository(explaining).attemptBuckets('ep_7', 3600, 24));
    assertIndexed(all, 'delivery_attempts', 'delivery_attempts_endpoint_started_idx');

    const buckets = await new PortalRepository(db).attemptBuckets('ep_7', 3600, 24);
    const { rows } = await db.query<{ n: number; ok: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status_code = 200)::int AS ok FROM delivery_attempts
       WHERE endpoint_id = 'ep_7' AND started_at >= $1`,
      [buckets[0].start],
    );
    assert.equal(buckets.length, 24);
    assert.deepEqual([buckets.reduce((t, b) => t + b.attempts, 0), buckets.reduce((t, b) => t + b.succeeded, 0)], [rows[0].n, rows[0].ok]);
    assert.ok(rows[0].n > 0);
  });

  test('the used event types are a loose index scan: one probe per type, not a read of 20,000 messages', async () => {
    const all = await planOf(db, (explaining) => new PortalRepository(explaining).usedEventTypes('app_default'));
    assertIndexed(all, 'messages', 'messages_application_event_type_idx');
    assert.ok(all.some((n) => n['Node Type'] === 'Recursive Union'));

    const types = await new PortalRepository(db).usedEventTypes('app_default');
    assert.deepEqual(types, Array.from({ length: 12 }, (_, i) => `type.${String(i).padStart(2, '0')}`));
  });
});
