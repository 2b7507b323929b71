import type { OutboxEntry } from '../db/outbox.repository';

/** What to do with one claim of outbox rows. */
export interface OutboxPlan {
  /** Unordered deliveries whose workflow to start. */
  start: OutboxEntry[];
  /** Ordered streams to wake (each once, however many of its deliveries were claimed), with their rows. */
  wake: { endpointId: string; orderingKey: string; deliveryIds: string[] }[];
  /** Rows owed nothing any more: the delivery ended, was parked meanwhile, or its endpoint was deleted. */
  drop: string[];
}

/**
 * Sorts claimed rows into starts, stream wakes and rows to drop. An ordered delivery is never started here,
 * which could break its order: its stream starts it in turn once woken.
 */
export function planOutbox(entries: OutboxEntry[]): OutboxPlan {
  const plan: OutboxPlan = { start: [], wake: [], drop: [] };
  const streams = new Map<string, OutboxPlan['wake'][number]>();
  for (const entry of entries) {
    const { delivery } = entry;
    if (entry.endpointDeleted || delivery.status !== 'pending' || delivery.parkedAt !== null) {
      plan.drop.push(delivery.id);
    } else if (delivery.orderingKey !== null) {
      const key = JSON.stringify([delivery.endpointId, delivery.orderingKey]);
      let stream = streams.get(key);
      if (!stream) {
        stream = { endpointId: delivery.endpointId, orderingKey: delivery.orderingKey, deliveryIds: [] };
        streams.set(key, stream);
        plan.wake.push(stream);
      }
      stream.deliveryIds.push(delivery.id);
    } else {
      plan.start.push(entry);
    }
  }
  return plan;
}

/**
 * How long the outbox waits after `failures` failures in a row (the starter's claims, the listener's
 * connections): doubling from `initialMs` up to `maxMs`, so an outage costs Temporal or PostgreSQL a call
 * every `maxMs` at most per process.
 */
export function outboxBackoffMs(failures: number, initialMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 30));
}
