import { newId } from '../domain/ids';
import { parkOnCreationSql, type ParkPlan } from './circuits.repository';
import type { Database, Queryable } from './database';
import { DELIVERY_COLUMNS, toDeliveryRecord, type DeliveryRecord, type DeliveryRow } from './deliveries.repository';
import type { MessageEnvelope } from './message-envelope';

/** An accepted message. */
export interface MessageRecord extends MessageEnvelope {
  applicationId: string;
  payload: Record<string, unknown>;
  idempotencyKey: string | null;
  /** Subscribed endpoints whose filter kept the message from them when it was accepted. */
  filteredOut: number;
}

/** A message about to be accepted. */
export type CandidateMessage = Pick<MessageRecord, 'id' | 'applicationId' | 'eventType' | 'payload' | 'idempotencyKey' | 'orderingKey'>;

/** Chooses a new message's subscribers inside the accepting transaction, given the stored message. */
export type SubscriberChoice = (tx: Queryable, message: MessageRecord) => Promise<Subscriber[]>;

/** A candidate with the choice of its subscribers, made inside the accepting transaction. */
export interface PreparedCandidate {
  candidate: CandidateMessage;
  subscribers: SubscriberChoice;
}

/** The outcome of accepting a message: the stored message, its deliveries, and whether it is new. */
export interface AcceptedMessage {
  message: MessageRecord;
  deliveries: DeliveryRecord[];
  created: boolean;
}

/** A `messages` row as pg returns it. */
export interface MessageRow {
  id: string;
  application_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  idempotency_key: string | null;
  ordering_key: string | null;
  filtered_out: number;
  created_at: Date;
}

/** Columns matching a `messages` row. */
export const MESSAGE_COLUMNS = 'id, application_id, event_type, payload, idempotency_key, ordering_key, filtered_out, created_at';

/**
 * The stored message a new one of application `$1` with this id and idempotency key repeats: the one with
 * its idempotency key if there is one, else the one with its id. SQL expressions for the two are given.
 */
export function repeatedMessageSql(id: string, idempotencyKey: string): string {
  return `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE application_id = $1 AND (idempotency_key = ${idempotencyKey} OR id = ${id})
    ORDER BY (idempotency_key = ${idempotencyKey}) DESC NULLS LAST LIMIT 1`;
}

/** Maps a `messages` row to its record. */
export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    applicationId: row.application_id,
    eventType: row.event_type,
    payload: row.payload,
    idempotencyKey: row.idempotency_key,
    orderingKey: row.ordering_key,
    filteredOut: row.filtered_out,
    createdAt: row.created_at,
  };
}

/** An endpoint that gets a delivery of the message being accepted. */
export interface Subscriber {
  /** The endpoint's id. */
  id: string;
  /** The delivery's workflow ID (its idempotency key in Temporal). */
  workflowId: string;
  /** Set to park the delivery at once if the endpoint's circuit is (still) open. */
  park?: ParkPlan;
}

// Whether a new delivery parks behind its endpoint's open circuit, with the subscriber's plan ($6..$8).
const PARK_ON_CREATION = parkOnCreationSql({ endpointId: '$3', park: '$6', attempts: '$7', scheduleLeftMs: '$8' });

/** SQL for `messages`, and for creating a message's deliveries in the same transaction. */
export class MessagesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores the message and one pending delivery per subscriber `subscribers` returns, in one transaction,
   * with an outbox row (`delivery_outbox`, drained by the OutboxStarter) for each delivery not parked: committed, it is certain
   * to be started. When a message with the same id or idempotency key exists (also one committed by a
   * racing request), nothing is written and the existing message and deliveries come back with
   * `created: false`. With an ordering key, each delivery takes the next number of its (endpoint, key)
   * stream. A subscriber given with `park` is parked at once if its circuit is still open (read under a
   * share lock, so a circuit closing meanwhile waits for this commit and then releases it): it needs no
   * workflow run until then.
   * `subscribers` gets the stored message (its acceptance time included).
   */
  async accept(
    candidate: CandidateMessage,
    subscribers: SubscriberChoice,
  ): Promise<AcceptedMessage> {
    return this.db.withTransaction(async (tx) => {
      const inserted = await tx.query<MessageRow>(
        `INSERT INTO messages (application_id, id, event_type, payload, idempotency_key, ordering_key) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
        [candidate.applicationId, candidate.id, candidate.eventType, JSON.stringify(candidate.payload), candidate.idempotencyKey, candidate.orderingKey],
      );
      if (inserted.rows.length === 0) {
        const existing = await tx.query<MessageRow>(repeatedMessageSql('$2', '$3'), [candidate.applicationId, candidate.id, candidate.idempotencyKey]);
        const message = toMessageRecord(existing.rows[0]);
        return { message, deliveries: await this.deliveriesOf(message.applicationId, message.id, tx), created: false };
      }
      const message = toMessageRecord(inserted.rows[0]);
      const endpoints = await subscribers(tx, message);
      const deliveries: DeliveryRecord[] = [];
      for (const endpoint of endpoints) deliveries.push(await this.insertDelivery(tx, message, endpoint));
      return { message, deliveries, created: true };
    });
  }

  /**
   * One delivery of a new message, in the accepting transaction: the next number of its (endpoint, key)
   * stream with an ordering key, parked behind an open circuit when `park` says so, and its outbox row
   * unless parked. The stream's counter row stays locked until this transaction commits (see migration
   * 006); a parked delivery gets no outbox row, as the circuit workflow runs it.
   */
  async insertDelivery(tx: Queryable, message: MessageRecord, endpoint: Subscriber): Promise<DeliveryRecord> {
    const { rows } = await tx.query<DeliveryRow>(
      `WITH stream AS (
         INSERT INTO ordering_streams (endpoint_id, ordering_key, last_sequence) SELECT $3, $5, 1 WHERE $5::text IS NOT NULL
         ON CONFLICT (endpoint_id, ordering_key) DO UPDATE SET last_sequence = ordering_streams.last_sequence + 1
         RETURNING last_sequence),
       delivery AS (
         INSERT INTO deliveries (id, message_id, endpoint_id, workflow_id, ordering_key, sequence, parked_at, parked_attempts, parked_until, application_id)
         SELECT $1, $2, $3, $4, $5, (SELECT last_sequence FROM stream), p.at, p.attempts, p.until, $9
         FROM (${PARK_ON_CREATION}) AS p
         RETURNING ${DELIVERY_COLUMNS}),
       outbox AS (INSERT INTO delivery_outbox (delivery_id, endpoint_id) SELECT id, endpoint_id FROM delivery WHERE parked_at IS NULL)
       SELECT * FROM delivery`,
      [
        newId('dlv'),
        message.id,
        endpoint.id,
        endpoint.workflowId,
        message.orderingKey,
        endpoint.park !== undefined,
        endpoint.park?.attempts ?? 0,
        endpoint.park?.scheduleLeftMs ?? 0,
        message.applicationId,
      ],
    );
    return toDeliveryRecord(rows[0]);
  }

  /** Records, in the accepting transaction, how many endpoints the message's filters kept it from. */
  async recordFilteredOut(message: MessageRecord, filteredOut: number, tx: Queryable): Promise<void> {
    await tx.query('UPDATE messages SET filtered_out = $3 WHERE application_id = $1 AND id = $2', [message.applicationId, message.id, filteredOut]);
    message.filteredOut = filteredOut;
  }

  /** The application's newest `limit` messages, newest first. */
  async recent(applicationId: string, limit: number): Promise<MessageRecord[]> {
    const { rows } = await this.db.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE application_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [applicationId, limit],
    );
    return rows.map(toMessageRecord);
  }

  /** The application's message a new one with this id or idempotency key would repeat, or undefined. */
  async findRepeat(applicationId: string, id: string, idempotencyKey: string | null): Promise<MessageRecord | undefined> {
    const { rows } = await this.db.query<MessageRow>(repeatedMessageSql('$2', '$3'), [applicationId, id, idempotencyKey]);
    return rows[0] ? toMessageRecord(rows[0]) : undefined;
  }

  /** The application's message with this id, or undefined. */
  async findById(applicationId: string, id: string): Promise<MessageRecord | undefined> {
    const { rows } = await this.db.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE application_id = $1 AND id = $2`, [applicationId, id]);
    return rows[0] ? toMessageRecord(rows[0]) : undefined;
  }

  /** The deliveries of the application's message, in endpoint order. */
  async deliveriesOf(applicationId: string, messageId: string, tx: Queryable = this.db): Promise<DeliveryRecord[]> {
    const { rows } = await tx.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE application_id = $1 AND message_id = $2 ORDER BY endpoint_id`,
      [applicationId, messageId],
    );
    return rows.map(toDeliveryRecord);
  }
}
