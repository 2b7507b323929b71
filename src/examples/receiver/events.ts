import type { Pool, PoolClient } from 'pg';
import type { VerifiedWebhook } from '../../receiver';

/** The body Hookway sends (`type`, `timestamp`, `data`), as far as a receiver can trust it to be. */
export interface HookwayEventBody {
  type?: unknown;
  timestamp?: unknown;
  data?: unknown;
}

/** One processed webhook, as the example stores it. */
export interface ReceivedEvent {
  webhookId: string;
  eventType: string;
  data: unknown;
}

// No UNIQUE on webhook_id on purpose: processOnce alone keeps this at one row per webhook, which is the
// point of the example (and what its tests check). The same holds for effects no constraint can guard.
const CREATE_EVENTS = `CREATE TABLE IF NOT EXISTS received_events (
  id bigserial PRIMARY KEY,
  webhook_id text NOT NULL,
  event_type text NOT NULL,
  data jsonb,
  received_at timestamptz NOT NULL DEFAULT now()
)`;

/** Creates the example's table when missing. */
export async function ensureEventsTable(pool: Pool): Promise<void> {
  await pool.query(CREATE_EVENTS);
}

/** The event a verified webhook carries; a body without a string `type` is stored as type `unknown`. */
export function toReceivedEvent(webhook: VerifiedWebhook<HookwayEventBody>): ReceivedEvent {
  const body = webhook.payload !== null && typeof webhook.payload === 'object' ? webhook.payload : {};
  return { webhookId: webhook.id, eventType: typeof body.type === 'string' ? body.type : 'unknown', data: body.data ?? null };
}

/** Stores an event on the client of `processOnce`'s transaction, so it commits with the mark or not at all. */
export async function insertEvent(client: PoolClient, event: ReceivedEvent): Promise<void> {
  await client.query('INSERT INTO received_events (webhook_id, event_type, data) VALUES ($1, $2, $3)', [
    event.webhookId,
    event.eventType,
    JSON.stringify(event.data),
  ]);
}

/** A stored event, as `GET /events` lists it. */
export interface StoredEvent extends ReceivedEvent {
  receivedAt: string;
}

/** The latest stored events, newest first. */
export async function listEvents(pool: Pool, limit = 100): Promise<StoredEvent[]> {
  const { rows } = await pool.query<{ webhook_id: string; event_type: string; data: unknown; received_at: Date }>(
    'SELECT webhook_id, event_type, data, received_at FROM received_events ORDER BY id DESC LIMIT $1',
    [limit],
  );
  return rows.map((row) => ({ webhookId: row.webhook_id, eventType: row.event_type, data: row.data, receivedAt: row.received_at.toISOString() }));
}
