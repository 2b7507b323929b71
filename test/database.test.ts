import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client as PgClient } from 'pg';
import { Database } from '../src/db/database';
import { createTestDatabase, dropTestDatabase } from './support/test-hookway';

describe('the database module when PostgreSQL drops a connection mid-transaction', () => {
  let url: string;
  let db: Database;

  before(async () => {
    url = await createTestDatabase();
    db = new Database(url, { maxConnections: 2 });
  });
  after(async () => {
    await db.close();
    await dropTestDatabase(url);
  });

  it('rejects the transaction, keeps the process alive, and serves the next query', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    const admin = new PgClient({ connectionString: url });
    await admin.connect();
    try {
      const outcome = db.withTransaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // What an operator's restart or failover does to a session: the server ends it mid-statement.
        setTimeout(() => void admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]), 200);
        await tx.query('SELECT pg_sleep(10)');
      });
      await assert.rejects(outcome, /terminat/i);
      // The broken client must not go back to the pool: both pooled clients answer afterwards.
      const answers = await Promise.all([db.query('SELECT 1 AS one'), db.query('SELECT 2 AS two')]);
      assert.equal(answers.length, 2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(uncaught, [], 'no error escaped as an uncaught exception');
    } finally {
      process.off('uncaughtException', onUncaught);
      await admin.end();
    }
  });
});
