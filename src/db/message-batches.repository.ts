import { newId } from '../domain/ids';
import type { Database, Queryable } from './database';
import { DELIVERY_COLUMNS, toDeliveryRecord, type DeliveryRecord, type DeliveryRow } from './deliveries.repository';
import {
  MESSAGE_COLUMNS,
  repeatedMessageSql,
  toMessageRecord,
  type AcceptedMessage,
  type MessageRecord,
  type MessageRow,
  type MessagesRepository,
  type PreparedCandidate,
  type Subscriber,
} from './messages.repository';

interface RepeatRow extends MessageRow {
  n: number;
}

/**
 * Accepts many messages in one transaction with a few set-based statements instead of a couple per
 * message: what makes a batch of hundreds cost little more than one message.
 */
export class MessageBatchesRepository {
  constructor(
    private readonly db: Database,
    private readonly messages: MessagesRepository,
  ) {}

  /**
   * Accepts every candidate as MessagesRepository.accept does (deliveries, their outbox rows, ordering
   * numbers, parking), all in ONE transaction: either all are stored or, if it fails, none. A candidate
   * repeating an earlier message (same id or idempotency key), also one earlier in `candidates`, is a
   * repeat of it, answered `created: false`. Results come in the candidates' order.
   */
  async acceptMany(candidates: PreparedCandidate[]): Promise<AcceptedMessage[]> {
    if (candidates.length === 0) return [];
    return this.db.withTransaction(async (tx) => {
      const results: (AcceptedMessage | undefined)[] = [];
      const created = await this.insertMessages(tx, candidates);
      const repeats: number[] = [];
      candidates.forEach((_, i) => {
        const message = created.get(i);
        if (message) results[i] = { message, deliveries: [], created: true };
        else repeats.push(i);
      });
      await this.resolveRepeats(tx, candidates, repeats, results);

      // Deliveries: the plain ones (no ordering key, no circuit to park behind) in one statement; the
      // others one by one, as a single message's are, for their stream numbers and circuit locks.
      const plain: { i: number; message: MessageRecord; subscriber: Subscriber }[] = [];
      const special: { i: number; message: MessageRecord; subscriber: Subscriber }[] = [];
      for (const [i, message] of created) {
        for (const subscriber of await candidates[i].subscribers(tx, message)) {
          (message.orderingKey === null && subscriber.park === undefined ? plain : special).push({ i, message, subscriber });
        }
      }
      const inserted = await this.insertPlainDeliveries(tx, plain);
      plain.forEach(({ i }, k) => results[i]?.deliveries.push(inserted[k]));
      for (const { i, message, subscriber } of special) results[i]?.deliveries.push(await this.messages.insertDelivery(tx, message, subscriber));
      for (const i of created.keys()) results[i]?.deliveries.sort((a, b) => (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0));
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
      `INSERT INTO messages (application_id, id, event_type, payload, idempotency_key, ordering_key)
       SELECT $1, t.id, t.event_type, t.payload::json, t.idempotency_key, t.ordering_key
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS t(id, event_type, payload, idempotency_key, ordering_key, n)
       ORDER BY t.n
       ON CONFLICT DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
      [
        applicationId,
        column((c) => c.id),
        column((c) => c.eventType),
        column((c) => JSON.stringify(c.payload)),
        column((c) => c.idempotencyKey),
        column((c) => c.orderingKey),
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

  // One statement for every plain delivery of the batch, with their outbox rows. Returns them in input order.
  private async insertPlainDeliveries(tx: Queryable, plain: { message: MessageRecord; subscriber: Subscriber }[]): Promise<DeliveryRecord[]> {
    if (plain.length === 0) return [];
    const ids = plain.map(() => newId('dlv'));
    const { rows } = await tx.query<DeliveryRow>(
      `WITH delivery AS (
         INSERT INTO deliveries (id, message_id, endpoint_id, workflow_id, application_id)
         SELECT t.id, t.message_id, t.endpoint_id, t.workflow_id, $5
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(id, message_id, endpoint_id, workflow_id)
         RETURNING ${DELIVERY_COLUMNS}),
       outbox AS (INSERT INTO delivery_outbox (delivery_id, endpoint_id) SELECT id, endpoint_id FROM delivery)
       SELECT * FROM delivery`,
      [ids, plain.map((p) => p.message.id), plain.map((p) => p.subscriber.id), plain.map((p) => p.subscriber.workflowId), plain[0].message.applicationId],
    );
    const byId = new Map(rows.map((row) => [row.id, toDeliveryRecord(row)]));
    return ids.map((id) => {
      const delivery = byId.get(id);
      if (!delivery) throw new Error(`delivery ${id} was not stored`);
      return delivery;
    });
  }
}
