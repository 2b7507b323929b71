import type { DeliveryView } from '../../src/api/deliveries/deliveries.controller';
import { Database } from '../../src/db/database';

/**
 * What PostgreSQL holds for each of `ids`: the status of its delivery, or no entry when the message was
 * never stored. Read directly, not through the API, so the check does not depend on what it checks.
 */
export async function storedDeliveries(databaseUrl: string, ids: string[]): Promise<Map<string, string>> {
  const db = new Database(databaseUrl, { maxConnections: 1 });
  try {
    const { rows } = await db.query<{ id: string; status: string | null }>(
      `SELECT m.id, d.status FROM messages m LEFT JOIN deliveries d ON d.application_id = m.application_id AND d.message_id = m.id WHERE m.application_id = 'app_default' AND m.id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.status ?? 'no delivery']));
  } finally {
    await db.close();
  }
}

/**
 * How many of a delivery's recorded attempts Hookway failed as `timeout`: each is an attempt the receiver
 * may have processed while Hookway had stopped waiting, so it explains one duplicate.
 */
export async function timedOutAttempts(apiUrl: string, headers: Record<string, string>, deliveryId: string): Promise<number> {
  const response = await fetch(`${apiUrl}/v1/deliveries/${deliveryId}`, { headers, signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`GET /v1/deliveries/${deliveryId} answered ${response.status}`);
  const view = (await response.json()) as DeliveryView;
  return view.attempts.filter((attempt) => attempt.error?.startsWith('timeout')).length;
}
