import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Database } from '../src/db/database';
import { OutboxRepository } from '../src/db/outbox.repository';
import { migratedDatabaseForSuite } from './support/query-plan';

const ENDPOINTS = 5;
const PER_ENDPOINT = 4;

/** The endpoint of each claimed entry, in claim order. */
type Taken = string[];

describe('outbox claims: a share per endpoint, round the endpoints, never a row another process holds', () => {
  let db: Database;
  let outbox: OutboxRepository;

  migratedDatabaseForSuite(async (created) => {
    db = created;
    outbox = new OutboxRepository(db);
    await db.query(`INSERT INTO endpoints (id, application_id, url, secret, retry_policy, timeout_ms)
      SELECT 'ep_' || i, 'app_default', 'http://127.0.0.1:9/', 'sealed', '{}'::jsonb, 1000 FROM generate_series(1, $1) i`, [ENDPOINTS]);
    await db.query(
      `INSERT INTO messages (id, application_id, event_type, payload, created_at)
       SELECT 'msg_' || i, 'app_default', 'claim.case', '{}'::json, now() - make_interval(secs => 1000 - i) FROM generate_series(1, $1) i`,
      [ENDPOINTS * PER_ENDPOINT],
    );
    // The first endpoint's rows are the oldest by far: oldest first would take them all before any other's.
    await db.query(
      `INSERT INTO deliveries (id, application_id, message_id, endpoint_id, workflow_id)
       SELECT 'dlv_' || i, 'app_default', 'msg_' || i, 'ep_' || ((i - 1) / $2 + 1), 'wf-' || i FROM generate_series(1, $1) i`,
      [ENDPOINTS * PER_ENDPOINT, PER_ENDPOINT],
    );
    // Inserted without the endpoint, as a process of the previous version does: migration 023's trigger fills it.
    await db.query(`INSERT INTO delivery_outbox (delivery_id, created_at) SELECT id, now() - make_interval(secs => 1000 - substr(id, 5)::int) FROM deliveries`);
  });

  /** Claims `limit` with the cursor, keeping nothing (rows stay for the next claim) unless `done`. */
  async function claim(limit: number, after: string, done: boolean, minAgeMs = 0): Promise<{ taken: Taken; more: boolean; next: string }> {
    let taken: Taken = [];
    const result = await outbox.claim(limit, after, minAgeMs, async (entries) => {
      taken = entries.map((e) => e.delivery.endpointId);
      return done ? entries.map((e) => e.delivery.id) : [];
    });
    assert.equal(result.claimed, taken.length);
    return { taken, more: result.more, next: result.next };
  }

  test('rows inserted without their endpoint get it from the trigger', async () => {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_outbox WHERE endpoint_id IS NULL');
    assert.equal(rows[0].n, 0);
  });

  test('a claim divides its rows among the endpoints with rows waiting, never more than it asked', async () => {
    const { taken, more } = await claim(7, '', false);
    assert.equal(taken.length, 7);
    const byEndpoint = new Map<string, number>();
    for (const id of taken) byEndpoint.set(id, (byEndpoint.get(id) ?? 0) + 1);
    assert.deepEqual([...byEndpoint.keys()].sort(), ['ep_1', 'ep_2', 'ep_3', 'ep_4', 'ep_5'], 'every endpoint had a turn');
    assert.ok(Math.max(...byEndpoint.values()) <= 2, JSON.stringify([...byEndpoint]));
    assert.equal(more, true);
  });

  test('with more endpoints than the claim takes, successive claims go round them all before any has a second turn', async () => {
    const seen: string[] = [];
    let after = '';
    for (let i = 0; i < 3; i += 1) {
      const { taken, next } = await claim(2, after, false);
      seen.push(...taken);
      after = next;
    }
    assert.deepEqual(seen.slice(0, ENDPOINTS).sort(), ['ep_1', 'ep_2', 'ep_3', 'ep_4', 'ep_5']);
  });

  test('rows another process holds are skipped; when it holds all of them a claim takes none and says there is no more', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const holdingNow = new Promise<void>((resolve) => (holding = resolve));
    const other = outbox.claim(ENDPOINTS * PER_ENDPOINT, '', 0, async () => {
      holding();
      await held;
      return [];
    });
    await holdingNow;
    try {
      const { taken, more } = await claim(10, '', false);
      assert.deepEqual(taken, []);
      assert.equal(more, false, 'nothing claimable: the starter waits for its next kick instead of walking again at once');
    } finally {
      release();
      await other;
    }
  });

  test('an API process without a worker leaves rows younger than its minimum age to the workers', async () => {
    // The rows are 1,000 s old at most: a minimum age of 1,001 s leaves every one.
    const young = await claim(10, '', false, 1_001_000);
    assert.deepEqual(young.taken, []);
    assert.equal(young.more, false);
    const old = await claim(10, '', false, 60_000);
    assert.equal(old.taken.length, 10, 'rows older than the minimum age are taken');
  });

  test('claimed and done, every row leaves, and a claim of an empty outbox says there is no more', async () => {
    let after = '';
    let claims = 0;
    for (let more = true; more && claims < 50; claims += 1) {
      const result = await claim(3, after, true);
      after = result.next;
      more = result.more;
    }
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_outbox');
    assert.equal(rows[0].n, 0, `left after ${claims} claims`);
    assert.deepEqual(await claim(3, '', true), { taken: [], more: false, next: '' });
  });
});
