import fs from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../paths';
import type { Database } from './database';

/** Where the numbered `.sql` files live; they are read from source, so `dist/` needs no copy. */
export const MIGRATIONS_DIR = path.join(projectRoot(), 'src', 'db', 'migrations');

// Any constant works; it only has to be the same for every Hookway process sharing a database.
const MIGRATION_LOCK_KEY = 7_240_311;

/**
 * Applies every migration not yet recorded in `schema_migrations`, in file-name order, each in its own
 * transaction. A transaction-scoped advisory lock makes concurrent start-ups (several APIs and workers)
 * apply each file exactly once.
 * @returns the names of the files applied by this call.
 */
export async function migrate(db: Database, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const files = (await fs.readdir(dir)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const sql = await fs.readFile(path.join(dir, file), 'utf8');
    const didApply = await db.withTransaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file]);
      if (done.rows.length > 0) return false;
      await tx.query(sql);
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      return true;
    });
    if (didApply) applied.push(file);
  }
  return applied;
}
