import type { Database, Queryable } from './database';
import { DELIVERY_COLUMNS, toDeliveryRecord, type DeliveryRecord, type DeliveryRow } from './deliveries.repository';
import {
  newDeliveriesSql,
  repeatedMessageSql,
  subscriberColumns,
  subscriberUnnestSql,
  toMessageRecord,
  MESSAGE_COLUMNS,
  type AcceptedMessage,
  type MessageRecord,
  type MessageRow,
  type NewDelivery,
  type PreparedCandidate,
} from './messages.repository';

interface RepeatRow extends MessageRow {
  n: number;
}

/**
 * Accepts many messages in one transaction with a few set-based statements instead of a couple per
 * message: what makes a batch of hundreds cost little more than one message.
 */
export class MessageBatchesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Accepts every candidate as MessagesRepository.accept does (deliveries, their outbox rows, ordering
   * numbers, parking), all in ONE transaction: either all are stored or, if it fails, none. A candidate
   * repeating an earlier message (same id or idempotency key), also one earlier in `candidates`, is a
   * repeat of it, answered `created: false`. Results come in the candidates' order.
   */
  async acceptMany(candidates: PreparedCandidate[]): Promise<AcceptedMessage[]> {
    if (candidates.length === 0) return [];
    const applicationId = candidates[0].candidate.applicationId;
    return this.db.withTransaction(async (tx) => {
      const results: (AcceptedMessage | undefined)[] = [];
      const created = await this.insertMessages(tx, candidates);
      const repeats: number[] = [];
      const byMessage = new Map<string, AcceptedMessage>();
      candidates.forEach((_, i) => {
        const message = created.get(i);
        if (message) byMessage.set(message.id, (results[i] = { message, deliveries: [], created: true }));
        else repeats.push(i);
      });

      // The deliveries of every message without an ordering key in one statement; an ordered message's
      // alone, as a stream is numbered once per statement.
      const unordered: NewDelivery[] = [];
      const ordered: { orderingKey: string; deliveries: NewDelivery[] }[] = [];
      for (const [i, message] of created) {
        const deliveries = candidates[i].choice.subscribers.map((subscriber) => ({ messageId: message.id, subscriber }));
        if (message.orderingKey === null) unordered.push(...deliveries);
        else ordered.push({ orderingKey: message.orderingKey, deliveries });
      }
      const inserted = await this.insertDeliveries(tx, applicationId, null, unordered);
      for (const { orderingKey, deliveries } of ordered) inserted.push(...(await this.insertDeliveries(tx, applicationId, orderingKey, deliveries)));
      for (const delivery of inserted) byMessage.get(delivery.messageId)?.deliveries.push(delivery);
      for (const accepted of byMessage.values()) accepted.deliveries.sort((a, b) => (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0));
      // After the deliveries: a repeat of a message earlier in this batch answers with them.
      await this.resolveRepeats(tx, candidates, repeats, results);
      return results.map((result) => {
        if (!result) throw new Error('a batch candidate was neither stored nor found');
        return result;
      });
    });
  }

  // Inserts them in order in one statement; a candidate conflicting with a stored message, or with an earlier
  // candidate, is skipped. Returns the new messages by candidate index.
  private async insertMessages(tx: Queryable, candidates: PreparedCandidate[]): Promise<Map<number, MessageRecord>> {
    const applicationId = candidates[0].candidate.applicationId;
    const column = <T>(pick: (c: PreparedCandidate['candidate']) => T): T[] => candidates.map(({ candidate }) => pick(candidate));
    const { rows } = await tx.query<MessageRow>(
      `INSERT INTO messages (application_id, id, event_type, payload, idempotency_key, ordering_key, filtered_out, created_at)
       SELECT $1, t.id, t.event_type, t.payload::json, t.idempotency_key, t.ordering_key, t.filtered_out, coalesce(t.created_at, now())
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::timestamptz[])
         WITH ORDINALITY AS t(id, event_type, payload, idempotency_key, ordering_key, filtered_out, created_at, n)
       ORDER BY t.n
       ON CONFLICT DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
      [
        applicationId,
        column((c) => c.id),
        column((c) => c.eventType),
        column((c) => JSON.stringify(c.payload)),
        column((c) => c.idempotencyKey),
        column((c) => c.orderingKey),
        candidates.map(({ choice }) => choice.filteredOut),
        candidates.map(({ choice }) => choice.acceptedAt ?? null),
      ],
    );
    // A stored row belongs to the first candidate with its id and key: any earlier one with both would
    // have conflicted with nothing this one did not.
    const byKey = new Map(rows.map((row) => [JSON.stringify([row.id, row.idempotency_key]), toMessageRecord(row)]));
    const created = new Map<number, MessageRecord>();
    candidates.forEach(({ candidate }, i) => {
      const key = JSON.stringify([candidate.id, candidate.idempotencyKey]);
      const message = byKey.get(key);
      if (message) {
        created.set(i, message);
        byKey.delete(key);
      }
    });
    return created;
  }

  // The message each repeat repeats (its idempotency key's first, else its id's) with its deliveries.
  private async resolveRepeats(tx: Queryable, candidates: PreparedCandidate[], repeats: number[], results: (AcceptedMessage | undefined)[]): Promise<void> {
    if (repeats.length === 0) return;
    const applicationId = candidates[0].candidate.applicationId;
    const { rows } = await tx.query<RepeatRow>(
      `SELECT t.n::int AS n, m.* FROM unnest($2::text[], $3::text[], $4::int[]) AS t(id, idempotency_key, n)
       CROSS JOIN LATERAL (${repeatedMessageSql('t.id', 't.idempotency_key')}) AS m`,
      [applicationId, repeats.map((i) => candidates[i].candidate.id), repeats.map((i) => candidates[i].candidate.idempotencyKey), repeats],
    );
    const ids = [...new Set(rows.map((row) => row.id))];
    const { rows: deliveryRows } = await tx.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE application_id = $1 AND message_id = ANY ($2::text[]) ORDER BY endpoint_id`,
      [applicationId, ids],
    );
    const deliveries = new Map<string, DeliveryRecord[]>();
    for (const row of deliveryRows) deliveries.set(row.message_id, [...(deliveries.get(row.message_id) ?? []), toDeliveryRecord(row)]);
    for (const row of rows) {
      const message = toMessageRecord(row);
      results[row.n] = { message, deliveries: [...(deliveries.get(message.id) ?? [])], created: false };
    }
  }

  // One statement for these deliveries (of messages with this ordering key, or none), with their outbox rows.
  private async insertDeliveries(tx: Queryable, applicationId: string, orderingKey: string | null, deliveries: NewDelivery[]): Promise<DeliveryRecord[]> {
    if (deliveries.length === 0) return [];
    const { rows } = await tx.query<DeliveryRow>(
      `WITH subscriber AS (SELECT s.* FROM ${subscriberUnnestSql(3)}),
       ${newDeliveriesSql({ applicationId: '$1', orderingKey: '$2', createdAt: '(SELECT m.created_at FROM messages m WHERE m.application_id = $1 AND m.id = s.message_id)' })}
       SELECT * FROM delivery`,
      [applicationId, orderingKey, ...subscriberColumns(deliveries)],
    );
    return rows.map(toDeliveryRecord);
  }
}
