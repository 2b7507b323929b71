import type { Pool, PoolClient } from 'pg';

/** What `processOnce` did: ran the handler (and committed), or found the webhook already processed. */
export type ProcessOnceOutcome<T> = { status: 'processed'; result: T } | { status: 'duplicate' };

/**
 * The table `processOnce` marks webhooks in. Created by `ensureProcessedWebhooksTable` when missing;
 * put it in your own migrations instead if the receiver's database role may not create tables.
 */
export const PROCESSED_WEBHOOKS_DDL = `CREATE TABLE IF NOT EXISTS processed_webhooks (
  webhook_id text PRIMARY KEY,
  processed_at timestamptz NOT NULL DEFAULT now()
)`;

// One check per pool, not per webhook; forgotten when it fails, so the next webhook tries again.
const tableChecks = new WeakMap<Pool, Promise<void>>();

/**
 * Creates `processed_webhooks` unless it exists. `processOnce` calls it once per pool; call it yourself
 * at start-up to fail early. Only looks when the table is already there, so a role without CREATE rights
 * works against a table made by your migrations.
 */
export async function ensureProcessedWebhooksTable(pool: Pool): Promise<void> {
  const { rows } = await pool.query<{ present: boolean }>(`SELECT to_regclass('processed_webhooks') IS NOT NULL AS present`);
  if (rows[0]?.present) return;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    // Two receivers creating the table at the same moment can collide in PostgreSQL's catalog even with
    // IF NOT EXISTS; a transaction-scoped advisory lock makes the second one wait and then find it.
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['hookway.processed_webhooks']);
    await client.query(PROCESSED_WEBHOOKS_DDL);
    await client.query('COMMIT');
  } catch (error) {
    broken = await rollback(client);
    throw error;
  } finally {
    client.release(broken);
  }
}

function tableReady(pool: Pool): Promise<void> {
  let check = tableChecks.get(pool);
  if (!check) {
    check = ensureProcessedWebhooksTable(pool);
    check.catch(() => tableChecks.delete(pool));
    tableChecks.set(pool, check);
  }
  return check;
}

/** Rolls back; returns the error when even that failed, so the client is destroyed instead of reused. */
async function rollback(client: PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * Runs `handler` at most once per `webhookId`, however often and however concurrently the webhook arrives.
 *
 * In one transaction on one client: inserts `webhookId` into `processed_webhooks`
 * (`ON CONFLICT DO NOTHING`), then runs `handler(client)`, then commits. So:
 * - the handler's writes through `client` commit together with the mark, or not at all;
 * - a webhook already marked returns `{ status: 'duplicate' }` without running the handler;
 * - a duplicate arriving while the first is still running waits for it: it becomes `duplicate` when the
 *   first commits, and runs the handler itself when the first fails;
 * - a handler that throws rolls the mark back and the error propagates: answer non-2xx and the sender's
 *   retry processes the webhook again.
 *
 * Writes made through anything but `client` (another pool, an HTTP call) are not part of the transaction.
 * The handler must not issue BEGIN, COMMIT or ROLLBACK itself.
 *
 * @param pool where `processed_webhooks` lives (created on first use, see `ensureProcessedWebhooksTable`).
 * @param webhookId the `webhook-id` header, i.e. `VerifiedWebhook.id`.
 * @param handler the processing; its result is returned as `result`.
 */
export async function processOnce<T>(
  pool: Pool,
  webhookId: string,
  handler: (client: PoolClient) => Promise<T>,
): Promise<ProcessOnceOutcome<T>> {
  if (typeof webhookId !== 'string' || webhookId === '') throw new TypeError('processOnce: webhookId must be a non-empty string');
  await tableReady(pool);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const mark = await client.query('INSERT INTO processed_webhooks (webhook_id) VALUES ($1) ON CONFLICT (webhook_id) DO NOTHING', [webhookId]);
    if (mark.rowCount === 0) {
      await client.query('ROLLBACK');
      return { status: 'duplicate' };
    }
    const result = await handler(client);
    await client.query('COMMIT');
    return { status: 'processed', result };
  } catch (error) {
    broken = await rollback(client);
    throw error;
  } finally {
    client.release(broken);
  }
}
