import type { Queryable } from './database';
import type { DeliveryStatus } from './deliveries.repository';

/** One page of a newest-first list; `after` is the id of the last item of the previous page. */
export interface LogPage {
  limit: number;
  after?: string;
  /** Created at or after this instant. */
  since?: Date;
  /** Created before this instant. */
  until?: Date;
}

/** How many of a message's deliveries are in each state. */
export interface DeliveryCounts {
  total: number;
  pending: number;
  succeeded: number;
  deadLettered: number;
}

/** A message as its application's log shows it: no payload, and its deliveries counted by state. */
export interface MessageLogEntry {
  id: string;
  eventType: string;
  orderingKey: string | null;
  idempotencyKey: string | null;
  createdAt: Date;
  deliveries: DeliveryCounts;
}

/** The last HTTP attempt of a delivery. */
export interface LastAttempt {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

/** A delivery as its endpoint's log shows it, with its last attempt. */
export interface DeliveryLogEntry {
  id: string;
  messageId: string;
  eventType: string;
  status: DeliveryStatus;
  /** Attempts made, across retries and resets. */
  attempts: number;
  lastAttempt: LastAttempt | null;
  createdAt: Date;
  updatedAt: Date;
}

interface MessageLogRow {
  id: string;
  event_type: string;
  ordering_key: string | null;
  idempotency_key: string | null;
  created_at: Date;
  total: string;
  pending: string;
  succeeded: string;
  dead_lettered: string;
}

interface DeliveryLogRow {
  id: string;
  message_id: string;
  event_type: string;
  status: DeliveryStatus;
  created_at: Date;
  updated_at: Date;
  attempts: string | null;
  attempt: number | null;
  started_at: Date | null;
  duration_ms: number | null;
  status_code: number | null;
  error: string | null;
}

/** Builds a WHERE clause from conditions that each take their value as the next `$n`. */
class Conditions {
  readonly params: unknown[] = [];
  private readonly parts: string[] = [];

  /** Adds `sql`, where `$?` stands for `value`'s parameter. */
  add(sql: string, value: unknown): this {
    this.params.push(value);
    this.parts.push(sql.replaceAll('$?', `$${this.params.length}`));
    return this;
  }

  /** `sql` when `value` is set. */
  addIf(sql: string, value: unknown): this {
    return value === undefined ? this : this.add(sql, value);
  }

  get where(): string {
    return this.parts.join(' AND ');
  }

  /** The `$n` of one more parameter. */
  next(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }
}

/**
 * The lists a customer's log view reads: an application's messages and an endpoint's deliveries, newest
 * first by (created_at, id), so a page never shifts when newer items arrive. `after` is resolved to its
 * (created_at, id) within the same list's scope; the SQL is built per filter so each stays an index range
 * (messages_application_created_idx, deliveries_endpoint_created_idx, read backwards).
 */
export class ActivityLogRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * One page of the application's messages, optionally of one event type, with their deliveries counted
   * by state. @returns undefined when `after` names no message of the application.
   */
  async messages(applicationId: string, filter: LogPage & { eventType?: string }): Promise<MessageLogEntry[] | undefined> {
    const where = new Conditions()
      .add('m.application_id = $?', applicationId)
      .addIf('m.event_type = $?', filter.eventType)
      .addIf('m.created_at >= $?', filter.since)
      .addIf('m.created_at < $?', filter.until);
    if (filter.after !== undefined) {
      where.add('(m.created_at, m.id) < (SELECT c.created_at, c.id FROM messages c WHERE c.application_id = $1 AND c.id = $?)', filter.after);
    }
    const { rows } = await this.db.query<MessageLogRow>(
      `SELECT m.id, m.event_type, m.ordering_key, m.idempotency_key, m.created_at, s.total, s.pending, s.succeeded, s.dead_lettered
       FROM messages m
       CROSS JOIN LATERAL (
         SELECT count(*) AS total, count(*) FILTER (WHERE d.status = 'pending') AS pending,
                count(*) FILTER (WHERE d.status = 'succeeded') AS succeeded, count(*) FILTER (WHERE d.status = 'dead_lettered') AS dead_lettered
         FROM deliveries d WHERE d.application_id = m.application_id AND d.message_id = m.id) s
       WHERE ${where.where}
       ORDER BY m.created_at DESC, m.id DESC LIMIT ${where.next(filter.limit)}`,
      where.params,
    );
    if (rows.length === 0 && filter.after !== undefined && !(await this.exists('messages', 'application_id', applicationId, filter.after))) return undefined;
    return rows.map((r) => ({
      id: r.id,
      eventType: r.event_type,
      orderingKey: r.ordering_key,
      idempotencyKey: r.idempotency_key,
      createdAt: r.created_at,
      deliveries: { total: Number(r.total), pending: Number(r.pending), succeeded: Number(r.succeeded), deadLettered: Number(r.dead_lettered) },
    }));
  }

  /**
   * One page of the endpoint's deliveries, optionally in one status, each with its last attempt, in one
   * statement. @returns undefined when `after` names no delivery of the endpoint.
   */
  async deliveries(applicationId: string, endpointId: string, filter: LogPage & { status?: DeliveryStatus }): Promise<DeliveryLogEntry[] | undefined> {
    const where = new Conditions()
      .add('d.endpoint_id = $?', endpointId)
      .add('d.application_id = $?', applicationId)
      .addIf('d.status = $?', filter.status)
      .addIf('d.created_at >= $?', filter.since)
      .addIf('d.created_at < $?', filter.until);
    if (filter.after !== undefined) {
      where.add('(d.created_at, d.id) < (SELECT c.created_at, c.id FROM deliveries c WHERE c.endpoint_id = $1 AND c.id = $?)', filter.after);
    }
    // A delivery has a few attempts: they are found by delivery_attempts' (delivery_id, ...) key and the
    // last taken by id, the order they were recorded in.
    const { rows } = await this.db.query<DeliveryLogRow>(
      `SELECT d.id, d.message_id, m.event_type, d.status, d.created_at, d.updated_at,
              a.attempts, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error
       FROM deliveries d
       JOIN messages m ON m.application_id = d.application_id AND m.id = d.message_id
       LEFT JOIN LATERAL (
         SELECT count(*) OVER () AS attempts, x.attempt, x.started_at, x.duration_ms, x.status_code, x.error
         FROM delivery_attempts x WHERE x.delivery_id = d.id ORDER BY x.id DESC LIMIT 1) a ON true
       WHERE ${where.where}
       ORDER BY d.created_at DESC, d.id DESC LIMIT ${where.next(filter.limit)}`,
      where.params,
    );
    if (rows.length === 0 && filter.after !== undefined && !(await this.exists('deliveries', 'endpoint_id', endpointId, filter.after))) return undefined;
    return rows.map((r) => ({
      id: r.id,
      messageId: r.message_id,
      eventType: r.event_type,
      status: r.status,
      attempts: Number(r.attempts ?? 0),
      lastAttempt:
        r.attempt === null || r.started_at === null
          ? null
          : { attempt: r.attempt, startedAt: r.started_at, durationMs: r.duration_ms ?? 0, statusCode: r.status_code, error: r.error },
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  private async exists(table: 'messages' | 'deliveries', scope: 'application_id' | 'endpoint_id', scopeId: string, id: string): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 FROM ${table} WHERE ${scope} = $1 AND id = $2`, [scopeId, id]);
    return rows.length > 0;
  }
}
