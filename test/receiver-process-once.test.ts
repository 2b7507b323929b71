import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Pool } from 'pg';
import { ensureProcessedWebhooksTable, processOnce, type ProcessOnceOutcome } from '../src/receiver';
import { createTestDatabase, dropTestDatabase } from './support/test-hookway';

describe('receiver: processOnce', () => {
  let databaseUrl: string;
  let pool: Pool;

  before(async () => {
    databaseUrl = await createTestDatabase();
    // Enough connections for the racing duplicates to be truly concurrent transactions.
    pool = new Pool({ connectionString: databaseUrl, max: 30 });
    await pool.query('CREATE TABLE orders (webhook_id text NOT NULL, amount int NOT NULL)');
  });
  after(async () => {
    await pool.end();
    await dropTestDatabase(databaseUrl);
  });

  const ordersOf = async (webhookId: string): Promise<number> =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE webhook_id = $1', [webhookId])).rows[0].n);
  const isMarked = async (webhookId: string): Promise<boolean> =>
    (await pool.query('SELECT 1 FROM processed_webhooks WHERE webhook_id = $1', [webhookId])).rowCount === 1;

  test('runs the handler, commits its writes together with the mark, and returns its result', async () => {
    const outcome = await processOnce(pool, 'msg_first', async (client) => {
      await client.query('INSERT INTO orders VALUES ($1, $2)', ['msg_first', 1200]);
      return 'stored';
    });
    assert.deepEqual(outcome, { status: 'processed', result: 'stored' });
    assert.equal(await ordersOf('msg_first'), 1);
    assert.equal(await isMarked('msg_first'), true);
  });

  test('a repeat of a processed webhook is a duplicate and does not run the handler', async () => {
    let runs = 0;
    const handler = async (): Promise<void> => {
      runs += 1;
    };
    assert.equal((await processOnce(pool, 'msg_repeat', handler)).status, 'processed');
    assert.deepEqual(await processOnce(pool, 'msg_repeat', handler), { status: 'duplicate' });
    assert.equal(runs, 1);
  });

  test('a handler that throws rolls back its writes and the mark, so the retry processes the webhook', async () => {
    await assert.rejects(
      processOnce(pool, 'msg_flaky', async (client) => {
        await client.query('INSERT INTO orders VALUES ($1, $2)', ['msg_flaky', 1]);
        throw new Error('downstream unavailable');
      }),
      /downstream unavailable/,
    );
    assert.equal(await ordersOf('msg_flaky'), 0, 'the half-done write was rolled back');
    assert.equal(await isMarked('msg_flaky'), false, 'the mark was rolled back');

    const retry = await processOnce(pool, 'msg_flaky', async (client) => {
      await client.query('INSERT INTO orders VALUES ($1, $2)', ['msg_flaky', 1]);
    });
    assert.equal(retry.status, 'processed');
    assert.equal(await ordersOf('msg_flaky'), 1);
  });

  test('50 racing duplicates run the handler exactly once', async () => {
    let runs = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        processOnce(pool, 'msg_race', async (client) => {
          runs += 1;
          // Hold the transaction open so the other 49 arrive while it is still uncommitted.
          await client.query('SELECT pg_sleep(0.1)');
          await client.query('INSERT INTO orders VALUES ($1, $2)', ['msg_race', 7]);
        }),
      ),
    );
    assert.equal(runs, 1);
    assert.equal(outcomes.filter((o) => o.status === 'processed').length, 1);
    assert.equal(outcomes.filter((o) => o.status === 'duplicate').length, 49);
    assert.equal(await ordersOf('msg_race'), 1);
  });

  test('when the first of racing duplicates fails, exactly one of the waiting ones processes the webhook', async () => {
    let runs = 0;
    const settled = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        processOnce(pool, 'msg_race_fail', async (client) => {
          runs += 1;
          await client.query('SELECT pg_sleep(0.1)');
          if (runs === 1) throw new Error('first attempt fails');
          await client.query('INSERT INTO orders VALUES ($1, $2)', ['msg_race_fail', 8]);
        }),
      ),
    );
    const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])) as ProcessOnceOutcome<void>[];
    assert.equal(settled.filter((s) => s.status === 'rejected').length, 1, 'only the failing attempt errs');
    assert.equal(runs, 2, 'the failed attempt, then one successful one');
    assert.equal(outcomes.filter((o) => o.status === 'processed').length, 1);
    assert.equal(outcomes.filter((o) => o.status === 'duplicate').length, 48);
    assert.equal(await ordersOf('msg_race_fail'), 1);
  });

  test('creates processed_webhooks on first use, even when several receivers start at the same moment', async () => {
    const freshUrl = await createTestDatabase();
    const pools = Array.from({ length: 5 }, () => new Pool({ connectionString: freshUrl, max: 2 }));
    try {
      await Promise.all(pools.map((p) => ensureProcessedWebhooksTable(p)));
      const { rows } = await pools[0].query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'processed_webhooks' ORDER BY ordinal_position`,
      );
      assert.deepEqual(rows, [
        { column_name: 'webhook_id', data_type: 'text' },
        { column_name: 'processed_at', data_type: 'timestamp with time zone' },
      ]);
      assert.equal((await processOnce(pools[1], 'msg_fresh', async () => undefined)).status, 'processed');
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await dropTestDatabase(freshUrl);
    }
  });
});
