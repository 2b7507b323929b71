import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApplicationTokensRepository } from '../src/db/application-tokens.repository';
import { ApplicationsRepository } from '../src/db/applications.repository';
import type { Database, Queryable } from '../src/db/database';
import { EndpointsRepository } from '../src/db/endpoints.repository';
import { EventTypesRepository } from '../src/db/event-types.repository';
import { genericPlanOf, migratedDatabaseForSuite } from './support/query-plan';

const ROWS = 20_000;

// The repositories that take the pool itself only call `query` on it.
const asDatabase = (queryable: Queryable): Database => queryable as Database;

describe('paged lists under a generic plan (statements are prepared)', () => {
  let db: Database;

  migratedDatabaseForSuite(async (created) => {
    db = created;
    await db.query(`INSERT INTO applications (id, uid, name) SELECT 'app_' || lpad(i::text, 6, '0'), 'u' || i, 'A' FROM generate_series(1, $1) i`, [ROWS]);
    await db.query(
      `INSERT INTO endpoints (id, application_id, url, secret, retry_policy, timeout_ms)
       SELECT 'ep_' || lpad(i::text, 6, '0'), 'app_default', 'http://127.0.0.1:9/', 'sealed', '{}'::jsonb, 1000 FROM generate_series(1, $1) i`,
      [ROWS],
    );
    await db.query(`INSERT INTO event_types (name) SELECT 'type.' || lpad(i::text, 6, '0') FROM generate_series(1, $1) i`, [ROWS]);
    await db.query(
      `INSERT INTO application_tokens (id, application_id, secret_hash) SELECT 'tok_' || lpad(i::text, 6, '0'), 'app_default', '\\x00' FROM generate_series(1, $1) i`,
      [ROWS],
    );
    await db.query('ANALYZE');
  });

  // A page after a cursor must start in the index at the cursor: a plan that filters rows from the first
  // one on reads every earlier page again, and paging through N rows costs N squared.
  const lists: { what: string; table: string; column: string; run: (q: Queryable) => Promise<unknown> }[] = [
    { what: 'GET /v1/applications', table: 'applications', column: 'id', run: (q) => new ApplicationsRepository(asDatabase(q)).list(100, 'app_010000') },
    { what: 'GET /v1/endpoints', table: 'endpoints', column: 'id', run: (q) => new EndpointsRepository(q, undefined as never).list('app_default', 100, 'ep_010000') },
    { what: 'GET /v1/event-types', table: 'event_types', column: 'name', run: (q) => new EventTypesRepository(asDatabase(q)).list(100, 'type.010000', false) },
    { what: 'GET /v1/applications/{app}/tokens', table: 'application_tokens', column: 'id', run: (q) => new ApplicationTokensRepository(q).list('app_default', 100, 'tok_010000') },
  ];
  for (const { what, table, column, run } of lists) {
    test(`${what} seeks to the cursor in an index`, async (t) => {
      const nodes = await genericPlanOf(db, run);
      if (!nodes) return t.skip('PostgreSQL before 16 cannot explain a generic plan');
      const scans = nodes.filter((n) => n['Relation Name'] === table);
      const described = scans.map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''} cond=${n['Index Cond'] ?? ''} filter=${n.Filter ?? ''}`).join('; ');
      assert.ok(scans.length > 0, `${what} reads ${table}`);
      assert.ok(
        scans.every((n) => n['Node Type'] !== 'Seq Scan' && new RegExp(`\\b${column} > `).test(n['Index Cond'] ?? '')),
        `${what}: ${described}`,
      );
    });
  }
});
