import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client as PgClient } from 'pg';
import { Database } from '../src/db/database';
import { migrate, MIGRATIONS_DIR } from '../src/db/migrate';
import { projectRoot } from '../src/paths';
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

describe('prepared statements (HOOKWAY_DATABASE_PREPARED_STATEMENTS)', () => {
  let url: string;
  before(async () => {
    url = await createTestDatabase();
  });
  after(async () => {
    await dropTestDatabase(url);
  });

  /** The statements prepared in the session of a one-connection database (no parameters: not itself prepared). */
  async function preparedTexts(db: Database): Promise<string[]> {
    const { rows } = await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY statement');
    return rows.map((row) => row.statement);
  }

  it('prepares each statement with parameters once per connection, in and out of transactions, and answers as unprepared', async () => {
    const db = new Database(url, { maxConnections: 1 });
    try {
      for (let n = 1; n <= 3; n += 1) assert.deepEqual((await db.query<{ n: number }>('SELECT $1::int + 1 AS n', [n])).rows, [{ n: n + 1 }]);
      const inTransaction = await db.withTransaction((tx) => tx.query<{ s: string }>("SELECT $1::text || '!' AS s", ['hi']));
      assert.deepEqual(inTransaction.rows, [{ s: 'hi!' }]);
      assert.deepEqual(await preparedTexts(db), ['SELECT $1::int + 1 AS n', "SELECT $1::text || '!' AS s"]);
    } finally {
      await db.close();
    }
  });

  it('prepares nothing when turned off, as a pooler in transaction mode needs', async () => {
    const db = new Database(url, { maxConnections: 1, preparedStatements: false });
    try {
      assert.deepEqual((await db.query<{ n: number }>('SELECT $1::int + 1 AS n', [41])).rows, [{ n: 42 }]);
      assert.deepEqual(await preparedTexts(db), []);
    } finally {
      await db.close();
    }
  });

  it('says which setting to change when the server lost a prepared statement, as a pooler in transaction mode does', async () => {
    const db = new Database(url, { maxConnections: 1 });
    try {
      await db.query('SELECT $1::int AS n', [1]);
      // What a pooler does when the next transaction lands on another server connection.
      await db.query('DEALLOCATE ALL');
      const hinted = (error: Error): boolean => {
        assert.match(error.message, /prepared statement "hookway_\w+" does not exist .*HOOKWAY_DATABASE_PREPARED_STATEMENTS=false/);
        return true;
      };
      await assert.rejects(db.query('SELECT $1::int AS n', [2]), hinted);
      await db.query('SELECT $1::int AS n', [3]);
      await db.query('DEALLOCATE ALL');
      await assert.rejects(db.withTransaction((tx) => tx.query('SELECT $1::int AS n', [4])), hinted);
    } finally {
      await db.close();
    }
  });

  it('prepares at most 200 distinct texts a process; the rest still run', async () => {
    const db = new Database(url, { maxConnections: 1 });
    try {
      for (let k = 0; k < 250; k += 1) assert.equal((await db.query<{ k: number }>(`SELECT $1::int AS k /* text ${k} */`, [k])).rows[0].k, k);
      assert.equal((await preparedTexts(db)).length, 200);
    } finally {
      await db.close();
    }
  });
});

describe('migrations on a database whose indexes were built beforehand (docs/operating.md)', () => {
  const created: string[] = [];
  after(async () => {
    for (const url of created) await dropTestDatabase(url);
  });

  async function indexesOf(url: string): Promise<string[]> {
    const client = new PgClient({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
      return rows.map((r) => r.indexdef);
    } finally {
      await client.end();
    }
  }

  it('the documented CREATE INDEX CONCURRENTLY statements build exactly the indexes the migrations build, and the migrations then go on', async () => {
    const fresh = await createTestDatabase();
    created.push(fresh);
    const freshDb = new Database(fresh, { maxConnections: 1 });
    await migrate(freshDb).finally(() => freshDb.close());

    // An older database: every migration before the first one that builds an index on a large table.
    const older = await createTestDatabase();
    created.push(older);
    const earlier = await fs.mkdtemp(path.join(os.tmpdir(), 'hookway-migrations-'));
    for (const file of (await fs.readdir(MIGRATIONS_DIR)).filter((f) => f < '010')) await fs.copyFile(path.join(MIGRATIONS_DIR, file), path.join(earlier, file));
    const olderDb = new Database(older, { maxConnections: 1 });
    try {
      await migrate(olderDb, earlier);
      const docs = await fs.readFile(path.join(projectRoot(), 'docs', 'operating.md'), 'utf8');
      const block = /## Migrations on a large database[\s\S]*?```sql\n([\s\S]*?)```/.exec(docs)?.[1];
      assert.ok(block, 'docs/operating.md has the block');
      const client = new PgClient({ connectionString: older });
      await client.connect();
      try {
        // What the docs say to run first: the pending migrations' ADD COLUMN lines of tables that exist already,
        // then the block, outside any transaction.
        for (const file of (await fs.readdir(MIGRATIONS_DIR)).filter((f) => f >= '010')) {
          for (const line of (await fs.readFile(path.join(MIGRATIONS_DIR, file), 'utf8')).split('\n')) {
            const table = /^ALTER TABLE (\w+) ADD COLUMN IF NOT EXISTS/.exec(line)?.[1];
            if (!table) continue;
            const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
            if (rows[0].found) await client.query(line);
          }
        }
        for (const statement of block.split(';').map((s) => s.trim()).filter(Boolean)) await client.query(statement);
      } finally {
        await client.end();
      }
      const applied = await migrate(olderDb);
      assert.ok(applied.includes('014_probes_and_unsent_alerts.sql'), JSON.stringify(applied));
    } finally {
      await olderDb.close();
      await fs.rm(earlier, { recursive: true, force: true });
    }
    assert.deepEqual(await indexesOf(older), await indexesOf(fresh));
  });
});
