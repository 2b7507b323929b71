import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { QueryResultRow } from 'pg';
import { Database, type Queryable } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { createTestDatabase, dropTestDatabase } from './test-hookway';

/** One node of PostgreSQL's JSON plan, with what index tests read. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/** The node and every node below it. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/**
 * The plan of the first statement `run` sends through the Queryable it is given, which is explained on
 * `db` instead of run (later ones run), as every node of it.
 */
export async function planOf(db: Queryable, run: (explaining: Queryable) => Promise<unknown>): Promise<PlanNode[]> {
  let plan: PlanNode | undefined;
  const explaining: Queryable = {
    query: async <R extends QueryResultRow>(text: string, params?: readonly unknown[]) => {
      if (plan) return db.query<R>(text, params);
      const { rows } = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
      plan = rows[0]['QUERY PLAN'][0].Plan;
      return { rows: [] as R[], rowCount: 0 };
    },
  };
  await run(explaining);
  assert.ok(plan, 'the statement was sent');
  return planNodes(plan);
}

/**
 * The generic plan of the first statement `run` sends: the plan a prepared statement may keep running
 * whatever its values (see HOOKWAY_DATABASE_PREPARED_STATEMENTS), as every node of it. Undefined before
 * PostgreSQL 16, which cannot explain one.
 */
export async function genericPlanOf(db: Queryable, run: (capturing: Queryable) => Promise<unknown>): Promise<PlanNode[] | undefined> {
  const { rows: version } = await db.query<{ v: number }>("SELECT current_setting('server_version_num')::int AS v");
  if (version[0].v < 160000) return undefined;
  let text: string | undefined;
  await run({
    query: async <R extends QueryResultRow>(sent: string) => {
      text ??= sent;
      return { rows: [] as R[], rowCount: 0 };
    },
  });
  assert.ok(text, 'the statement was sent');
  const { rows } = await db.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (GENERIC_PLAN, FORMAT JSON) ${text}`);
  return planNodes(rows[0]['QUERY PLAN'][0].Plan);
}

/**
 * A fresh, migrated database for the describe block it is called in: `seed` fills it before the tests;
 * after them it is closed and dropped.
 */
export function migratedDatabaseForSuite(seed: (db: Database) => Promise<void>): void {
  let url: string | undefined;
  let db: Database | undefined;
  before(async () => {
    url = await createTestDatabase();
    db = new Database(url);
    await migrate(db);
    await seed(db);
  });
  after(async () => {
    await db?.close();
    if (url) await dropTestDatabase(url);
  });
}
