import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { sleep } from '../reliability/time';

/** Hookway's tables whose rows the soak counts (retention deletes from these). */
const TABLES = ['messages', 'deliveries', 'delivery_attempts', 'dead_letters'];

/** The database's size and its main tables' rows at one moment. */
export interface DatabaseSize {
  /** `pg_database_size`, MB: space on disk (a DELETE frees it for reuse, not to the disk). */
  sizeMb: number;
  rows: Record<string, number>;
}

/** Reads the size of the database `url` names and the row counts of Hookway's main tables. */
export async function databaseSize(url: string): Promise<DatabaseSize> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ bytes: string }>('SELECT pg_database_size(current_database())::text AS bytes');
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      // Table names come from the constant above, never from input.
      const result = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      counts[table] = result.rows[0].n;
    }
    return { sizeMb: Math.round((Number(rows[0].bytes) / 2 ** 20) * 10) / 10, rows: counts };
  } finally {
    await pg.end();
  }
}

/** What triggering retention did. */
export type RetentionOutcome =
  | { available: false; reason: string }
  | { available: true; scheduleId: string; workflowId?: string; status: string; waitedSeconds: number };

/**
 * Triggers the Temporal Schedule whose id mentions `retention`, if Hookway created one, and waits (at most
 * `timeoutMs`) for the run it starts to close. Without such a schedule: `available: false`, no error.
 */
export async function triggerRetention(temporalAddress: string, timeoutMs: number): Promise<RetentionOutcome> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: temporalAddress, connectTimeout: '10 seconds' });
  } catch (error) {
    return { available: false, reason: `Temporal did not answer: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const client = new Client({ connection });
    let scheduleId: string | undefined;
    for await (const schedule of client.schedule.list()) {
      if (/retention/i.test(schedule.scheduleId)) {
        scheduleId = schedule.scheduleId;
        break;
      }
    }
    if (!scheduleId) return { available: false, reason: 'retention not available: no Temporal Schedule named *retention*' };
    const handle = client.schedule.getHandle(scheduleId);
    const before = (await handle.describe()).info.recentActions.length;
    const started = Date.now();
    await handle.trigger();
    let workflowId: string | undefined;
    while (Date.now() - started < timeoutMs && !workflowId) {
      const info = (await handle.describe()).info;
      const action = info.runningActions[0] ?? (info.recentActions.length > before ? info.recentActions[info.recentActions.length - 1].action : undefined);
      if (action) workflowId = action.workflow.workflowId;
      else await sleep(500);
    }
    if (!workflowId) return { available: true, scheduleId, status: 'never started', waitedSeconds: Math.round((Date.now() - started) / 1000) };
    // The latest run: a retention pass that continued as new is done only when its last run is.
    const run = client.workflow.getHandle(workflowId);
    let status = 'RUNNING';
    while (Date.now() - started < timeoutMs && status === 'RUNNING') {
      status = (await run.describe()).status.name;
      if (status === 'RUNNING') await sleep(1000);
    }
    return { available: true, scheduleId, workflowId, status, waitedSeconds: Math.round((Date.now() - started) / 1000) };
  } catch (error) {
    return { available: false, reason: `retention could not be triggered: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await connection.close();
  }
}
