import { newId } from '../domain/ids';
import { parkOnCreationSql, type ParkPlan } from './circuits.repository';
import type { Database } from './database';
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

/**
 * Where a new message goes, chosen just before it is stored (subscribers read, filters applied). The
 * choice is read committed as it was inside a transaction: an endpoint created or deleted meanwhile is
 * either seen or not, and a parked delivery still reads its circuit under a share lock as it is stored.
 */
export interface SubscriberChoice {
  subscribers: Subscriber[];
  /** Subscribed endpoints whose filter kept the message from them. */
  filteredOut: number;
  /** The message's acceptance time: PostgreSQL's clock when its subscribers were read, the `timestamp` its filters saw. Unset: when it is stored. */
  acceptedAt?: Date;
}

/** A candidate with the choice of its subscribers. */
export interface PreparedCandidate {
  candidate: CandidateMessage;
  choice: SubscriberChoice;
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

/** A new delivery's row, as the accepting statement takes it. */
interface DeliveryRowWithAcceptance extends DeliveryRow {
  message_created_at: Date;
}

// Whether each new delivery parks behind its endpoint's open circuit, from its subscriber's plan.
const PARK_ON_CREATION = parkOnCreationSql({ endpointId: 's.endpoint_id', park: 's.park', attempts: 's.attempts', scheduleLeftMs: 's.schedule_left_ms' });

/** A delivery to create: of which message, to which subscriber. */
export interface NewDelivery {
  messageId: string;
  subscriber: Subscriber;
}

/**
 * Deliveries of messages being stored, with their outbox rows, as CTEs reading the new deliveries from
 * one named `subscriber` ({@link subscriberUnnestSql}). Each is created at its message's acceptance time
 * (`createdAt`, an SQL expression over `s`). With an ordering key (`orderingKey`, an SQL expression), each
 * delivery takes the next number of its (endpoint, key) stream, whose counter row stays locked until the
 * statement commits (see migration 006); a stream may be numbered only once per statement, so ordered
 * messages are stored one per statement. A delivery parks at once when its plan says so and its circuit is
 * still open; a parked one gets no outbox row, as the circuit workflow runs it.
 */
export function newDeliveriesSql($: { applicationId: string; orderingKey: string; createdAt: string }): string {
  return `stream AS (
      INSERT INTO ordering_streams (endpoint_id, ordering_key, last_sequence) SELECT s.endpoint_id, ${$.orderingKey}, 1 FROM subscriber s WHERE ${$.orderingKey}::text IS NOT NULL
      ON CONFLICT (endpoint_id, ordering_key) DO UPDATE SET last_sequence = ordering_streams.last_sequence + 1
      RETURNING endpoint_id, last_sequence),
    delivery AS (
      INSERT INTO deliveries (id, message_id, endpoint_id, workflow_id, ordering_key, sequence, parked_at, parked_attempts, parked_until, application_id, created_at, updated_at)
      SELECT s.delivery_id, s.message_id, s.endpoint_id, s.workflow_id, ${$.orderingKey}, stream.last_sequence,
        p.at, p.attempts, p.until, ${$.applicationId}, ${$.createdAt}, ${$.createdAt}
      FROM subscriber s LEFT JOIN stream ON stream.endpoint_id = s.endpoint_id CROSS JOIN LATERAL (${PARK_ON_CREATION}) AS p
      RETURNING ${DELIVERY_COLUMNS}),
    outbox AS (INSERT INTO delivery_outbox (delivery_id, endpoint_id) SELECT id, endpoint_id FROM delivery WHERE parked_at IS NULL)`;
}

/** The columns {@link subscriberUnnestSql} unnests, as parameters in its order. */
export function subscriberColumns(deliveries: NewDelivery[]): unknown[] {
  return [
    deliveries.map(() => newId('dlv')),
    deliveries.map((d) => d.messageId),
    deliveries.map((d) => d.subscriber.id),
    deliveries.map((d) => d.subscriber.workflowId),
    deliveries.map((d) => d.subscriber.park !== undefined),
    deliveries.map((d) => d.subscriber.park?.attempts ?? 0),
    deliveries.map((d) => d.subscriber.park?.scheduleLeftMs ?? 0),
  ];
}

/** The new deliveries as rows `s`, from the {@link subscriberColumns} at parameters `$first` on. */
export function subscriberUnnestSql(first: number): string {
  const [a, b, c, d, e, f, g] = [0, 1, 2, 3, 4, 5, 6].map((k) => `$${first + k}`);
  return `unnest(${a}::text[], ${b}::text[], ${c}::text[], ${d}::text[], ${e}::boolean[], ${f}::int[], ${g}::float8[])
    AS s(delivery_id, message_id, endpoint_id, workflow_id, park, attempts, schedule_left_ms)`;
}

/** SQL for `messages`, and for creating a message's deliveries with it. */
export class MessagesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores the message and one pending delivery per chosen subscriber, with an outbox row
   * (`delivery_outbox`, drained by the OutboxStarter) for each delivery not parked, in ONE statement (one
   * round trip, its own transaction): committed, it is certain to be started. When a message with the
   * same id or idempotency key exists (also one committed by a racing request), nothing is written and
   * the existing message and deliveries come back with `created: false`. Deliveries are numbered and
   * parked as {@link newDeliveriesSql} says. `choice.acceptedAt` becomes the message's `createdAt`.
   */
  async accept(candidate: CandidateMessage, choice: SubscriberChoice): Promise<AcceptedMessage> {
    const { rows } = await this.db.query<DeliveryRowWithAcceptance>(
      `WITH message AS (
         INSERT INTO messages (application_id, id, event_type, payload, idempotency_key, ordering_key, filtered_out, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::timestamptz, now()))
         ON CONFLICT DO NOTHING RETURNING created_at),
       subscriber AS (SELECT s.* FROM ${subscriberUnnestSql(9)} WHERE EXISTS (SELECT 1 FROM message)),
       ${newDeliveriesSql({ applicationId: '$1', orderingKey: '$6', createdAt: '(SELECT created_at FROM message)' })}
       SELECT m.created_at AS message_created_at, d.* FROM message m LEFT JOIN delivery d ON true ORDER BY d.endpoint_id`,
      [
        candidate.applicationId,
        candidate.id,
        candidate.eventType,
        JSON.stringify(candidate.payload),
        candidate.idempotencyKey,
        candidate.orderingKey,
        choice.filteredOut,
        choice.acceptedAt ?? null,
        ...subscriberColumns(choice.subscribers.map((subscriber) => ({ messageId: candidate.id, subscriber }))),
      ],
    );
    if (rows.length === 0) {
      const message = await this.findRepeat(candidate.applicationId, candidate.id, candidate.idempotencyKey);
      if (!message) throw new Error(`message ${candidate.id} conflicted with a stored message that is gone`);
      return { message, deliveries: await this.deliveriesOf(message.applicationId, message.id), created: false };
    }
    const message: MessageRecord = { ...candidate, filteredOut: choice.filteredOut, createdAt: rows[0].message_created_at };
    return { message, deliveries: rows.filter((row) => row.id !== null).map(toDeliveryRecord), created: true };
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
  async deliveriesOf(applicationId: string, messageId: string): Promise<DeliveryRecord[]> {
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE application_id = $1 AND message_id = $2 ORDER BY endpoint_id`,
      [applicationId, messageId],
    );
    return rows.map(toDeliveryRecord);
  }
}
