import type { RetryPolicySettings } from '../config';
import type { SecretBox } from '../security/secret-box';
import { CIRCUIT_RESET } from './circuits.repository';
import type { Queryable } from './database';

/** An endpoint as stored, secret included: never return this shape from the API unfiltered. */
export interface EndpointRecord {
  id: string;
  /** The application whose messages it gets; fixed at creation. */
  applicationId: string;
  url: string;
  description: string;
  /** `null` subscribes to every event type; an entry ending in `.*` takes every type under its prefix. */
  eventTypes: string[] | null;
  /** A CEL expression a message must satisfy to reach it; null for none. */
  filter: string | null;
  secret: string;
  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  headers: Record<string, string>;
  retryPolicy: RetryPolicySettings;
  timeoutMs: number;
  disabled: boolean;
  /** Why it was disabled: `manual`, `gone` (the receiver answered 410) or `failing` (all failed for too long). */
  disabledReason: string | null;
  /** Redrive dead letters automatically once a delivery to this endpoint succeeds again. */
  autoRecover: boolean;
  /** Time of the first failure since the last success; null while healthy. */
  failingSince: Date | null;
  /** Failed attempts in a row since the last success. */
  consecutiveFailures: number;
  /** When the circuit opened (deliveries wait for a probe to succeed); null while closed. */
  circuitOpenedAt: Date | null;
  /** Fixed limit across all workers, requests per second; null for none. */
  rateLimitPerSecond: number | null;
  /** The rate the endpoint gets right now (its limit, or lower after 429s); null when unpaced. */
  currentRate: number | null;
  /** What a dead letter does to an ordered stream: `hold` it until retried or discarded, or `skip` past it. */
  orderingFailureMode: OrderingFailureMode;
  createdAt: Date;
  updatedAt: Date;
}

/** What a dead-lettered message does to the ordered stream it belongs to. */
export type OrderingFailureMode = 'hold' | 'skip';

/** Why Hookway (or an operator) disabled an endpoint. */
export type DisabledReason = 'manual' | 'gone' | 'failing';

/** Fields a PATCH may change; absent fields stay as they are. */
export type EndpointChanges = Partial<
  Omit<EndpointRecord, 'id' | 'applicationId' | 'createdAt' | 'updatedAt' | 'failingSince' | 'consecutiveFailures' | 'circuitOpenedAt' | 'currentRate' | 'previousSecret' | 'previousSecretExpiresAt'>
>;

interface EndpointRow {
  id: string;
  application_id: string;
  url: string;
  description: string;
  event_types: string[] | null;
  filter: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  /** Sealed JSON (a string) since encryption at rest; a plain object in rows written before it. */
  headers: string | Record<string, string>;
  retry_policy: RetryPolicySettings;
  timeout_ms: number;
  disabled: boolean;
  disabled_reason: string | null;
  auto_recover: boolean;
  failing_since: Date | null;
  consecutive_failures: number;
  circuit_opened_at: Date | null;
  rate_limit_per_second: number | null;
  current_rate: number | null;
  ordering_failure_mode: OrderingFailureMode;
  created_at: Date;
  updated_at: Date;
}

// Every read joins the endpoint's pacing row, so the HTTP activity learns its rate with the endpoint.
const COLUMNS = `e.id, e.application_id, e.url, e.description, e.event_types, e.filter, e.secret, e.previous_secret, e.previous_secret_expires_at, e.headers, e.retry_policy, e.timeout_ms, e.disabled,
  e.disabled_reason, e.auto_recover, e.failing_since, e.consecutive_failures, e.circuit_opened_at, e.rate_limit_per_second, t.rate AS current_rate, e.ordering_failure_mode, e.created_at, e.updated_at`;
const FROM = 'endpoints e LEFT JOIN endpoint_throttles t ON t.endpoint_id = e.id';
// INSERT/UPDATE ... RETURNING cannot join; the pacing row of a written endpoint is read by subquery.
const RETURNING = `RETURNING id, application_id, url, description, event_types, filter, secret, previous_secret, previous_secret_expires_at, headers, retry_policy, timeout_ms, disabled,
  disabled_reason, auto_recover, failing_since, consecutive_failures, circuit_opened_at, rate_limit_per_second,
  (SELECT t.rate FROM endpoint_throttles t WHERE t.endpoint_id = endpoints.id) AS current_rate, ordering_failure_mode, created_at, updated_at`;

/** What accepting a message reads of each endpoint subscribed to its type: enough to filter and park. */
export type SubscribedEndpoint = Pick<EndpointRecord, 'id' | 'filter' | 'retryPolicy' | 'circuitOpenedAt'>;

/** What choosing a new message's endpoints reads: its subscribers, and PostgreSQL's clock at the read. */
export interface Subscribers {
  at: Date;
  endpoints: SubscribedEndpoint[];
}

/** SQL for the `endpoints` table. Deleted endpoints are kept (soft delete) and invisible here. */
export class EndpointsRepository {
  constructor(
    private readonly db: Queryable,
    private readonly box: SecretBox,
  ) {}

  private toRecord(row: EndpointRow): EndpointRecord {
    return {
      id: row.id,
      applicationId: row.application_id,
      url: row.url,
      description: row.description,
      eventTypes: row.event_types,
      filter: row.filter,
      secret: this.box.open(row.secret),
      previousSecret: row.previous_secret === null ? null : this.box.open(row.previous_secret),
      previousSecretExpiresAt: row.previous_secret_expires_at,
      headers: typeof row.headers === 'string' ? (JSON.parse(this.box.open(row.headers)) as Record<string, string>) : row.headers,
      retryPolicy: row.retry_policy,
      timeoutMs: row.timeout_ms,
      disabled: row.disabled,
      disabledReason: row.disabled_reason,
      autoRecover: row.auto_recover,
      failingSince: row.failing_since,
      consecutiveFailures: row.consecutive_failures,
      circuitOpenedAt: row.circuit_opened_at,
      rateLimitPerSecond: row.rate_limit_per_second,
      currentRate: row.current_rate,
      orderingFailureMode: row.ordering_failure_mode,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  // Custom headers often carry credentials (Authorization), so they are sealed like the secret.
  private sealHeaders(headers: Record<string, string>): string {
    return JSON.stringify(this.box.seal(JSON.stringify(headers)));
  }

  /**
   * Stores a new endpoint, if its application is live (read FOR SHARE, so a deletion of the application
   * waits for this one and deletes it too); undefined when the application is gone.
   */
  async insert(
    endpoint: Omit<
      EndpointRecord,
      'createdAt' | 'updatedAt' | 'disabled' | 'disabledReason' | 'failingSince' | 'consecutiveFailures' | 'circuitOpenedAt' | 'currentRate' | 'previousSecret' | 'previousSecretExpiresAt'
    >,
  ): Promise<EndpointRecord | undefined> {
    const { rows } = await this.db.query<EndpointRow>(
      `INSERT INTO endpoints (id, url, description, event_types, secret, headers, retry_policy, timeout_ms, auto_recover, rate_limit_per_second,
         ordering_failure_mode, application_id, filter)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
       WHERE EXISTS (SELECT 1 FROM applications WHERE id = $12 AND deleted_at IS NULL FOR SHARE) ${RETURNING}`,
      [
        endpoint.id,
        endpoint.url,
        endpoint.description,
        endpoint.eventTypes,
        this.box.seal(endpoint.secret),
        this.sealHeaders(endpoint.headers),
        JSON.stringify(endpoint.retryPolicy),
        endpoint.timeoutMs,
        endpoint.autoRecover,
        endpoint.rateLimitPerSecond,
        endpoint.orderingFailureMode,
        endpoint.applicationId,
        endpoint.filter,
      ],
    );
    return rows[0] ? this.toRecord(rows[0]) : undefined;
  }

  /**
   * The live endpoint with this id (or a deleted one too, with `includeDeleted`), or undefined; with
   * `applicationId`, only when it belongs to that application.
   */
  async findById(id: string, options: { includeDeleted?: boolean; applicationId?: string } = {}): Promise<EndpointRecord | undefined> {
    const { rows } = await this.db.query<EndpointRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE e.id = $1 AND ($2::boolean OR e.deleted_at IS NULL) AND ($3::text IS NULL OR e.application_id = $3)`,
      [id, options.includeDeleted === true, options.applicationId ?? null],
    );
    return rows[0] ? this.toRecord(rows[0]) : undefined;
  }

  /**
   * What one attempt needs, in one round trip: the live endpoint and the message's payload as stored (JSON
   * text, not parsed). Undefined when the endpoint was deleted; `payload` null when the message is gone.
   */
  async findForAttempt(
    id: string,
    messageId: string,
  ): Promise<{ endpoint: EndpointRecord; payload: string | null; applicationRate: number | null } | undefined> {
    const { rows } = await this.db.query<EndpointRow & { payload: string | null; application_rate: number | null }>(
      `SELECT ${COLUMNS}, (SELECT m.payload::text FROM messages m WHERE m.application_id = e.application_id AND m.id = $2) AS payload,
         (SELECT a.rate_limit_per_second FROM applications a WHERE a.id = e.application_id) AS application_rate
       FROM ${FROM} WHERE e.id = $1 AND e.deleted_at IS NULL`,
      [id, messageId],
    );
    return rows[0] ? { endpoint: this.toRecord(rows[0]), payload: rows[0].payload, applicationRate: rows[0].application_rate } : undefined;
  }

  /** The application's live endpoints, oldest first, `limit` at a time after the `after` id. */
  async list(applicationId: string, limit: number, after?: string): Promise<EndpointRecord[]> {
    const { rows } = await this.db.query<EndpointRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE e.application_id = $3 AND e.deleted_at IS NULL AND e.id > coalesce($2::text, '')
       ORDER BY e.id LIMIT $1`,
      [limit, after ?? null, applicationId],
    );
    return rows.map((r) => this.toRecord(r));
  }

  /**
   * The application's enabled, live endpoints that take `eventType`: by name, by a `prefix.*` entry whose
   * prefix starts it (and is shorter), or by taking every type. One query over the application's endpoints,
   * reading only what choosing them takes (no secret is opened to accept a message), and PostgreSQL's
   * clock at the read, which becomes the message's acceptance time.
   */
  async findSubscribers(applicationId: string, eventType: string): Promise<Subscribers> {
    // One row even with no subscriber (its endpoint columns null), for the clock.
    const { rows } = await this.db.query<{ at: Date; id: string | null; filter: string | null; retry_policy: RetryPolicySettings | null; circuit_opened_at: Date | null }>(
      `SELECT t.at, e.id, e.filter, e.retry_policy, e.circuit_opened_at FROM (SELECT now() AS at) AS t
       LEFT JOIN LATERAL (
         SELECT e.id, e.filter, e.retry_policy, e.circuit_opened_at FROM endpoints e
         WHERE e.application_id = $2 AND e.deleted_at IS NULL AND NOT e.disabled AND (e.event_types IS NULL OR $1 = ANY (e.event_types)
           OR EXISTS (SELECT 1 FROM unnest(e.event_types) AS p(pattern)
                      WHERE right(p.pattern, 2) = '.*' AND length($1) > length(p.pattern) - 1 AND starts_with($1, left(p.pattern, -1))))) AS e ON true
       ORDER BY e.id`,
      [eventType, applicationId],
    );
    const endpoints: SubscribedEndpoint[] = [];
    for (const row of rows) {
      if (row.id === null || row.retry_policy === null) continue;
      endpoints.push({ id: row.id, filter: row.filter, retryPolicy: row.retry_policy, circuitOpenedAt: row.circuit_opened_at });
    }
    return { at: rows[0].at, endpoints };
  }

  /** Applies `changes` and returns the endpoint as it now is, or undefined when there is none. */
  async update(id: string, changes: EndpointChanges): Promise<EndpointRecord | undefined> {
    const columns: Record<keyof EndpointChanges, string> = {
      url: 'url',
      description: 'description',
      eventTypes: 'event_types',
      filter: 'filter',
      secret: 'secret',
      headers: 'headers',
      retryPolicy: 'retry_policy',
      timeoutMs: 'timeout_ms',
      disabled: 'disabled',
      disabledReason: 'disabled_reason',
      autoRecover: 'auto_recover',
      rateLimitPerSecond: 'rate_limit_per_second',
      orderingFailureMode: 'ordering_failure_mode',
    };
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [key, column] of Object.entries(columns) as [keyof EndpointChanges, string][]) {
      if (!(key in changes)) continue;
      const value = changes[key];
      if (key === 'headers') params.push(this.sealHeaders(value as Record<string, string>));
      else if (key === 'secret') params.push(this.box.seal(value as string));
      else params.push(key === 'retryPolicy' ? JSON.stringify(value) : value);
      sets.push(`${column} = $${params.length}`);
    }
    // Re-enabling starts the endpoint afresh (failure clock, failure count, circuit): it must fail for the
    // whole period again before it is disabled.
    if (changes.disabled === false) sets.push(CIRCUIT_RESET);
    const { rows } = await this.db.query<EndpointRow>(
      `UPDATE endpoints SET ${[...sets, 'updated_at = now()'].join(', ')}
       WHERE id = $1 AND deleted_at IS NULL ${RETURNING}`,
      params,
    );
    return rows[0] ? this.toRecord(rows[0]) : undefined;
  }

  /**
   * Replaces the secret; the old one keeps signing beside it for `overlapMs`, so receivers can switch over.
   * @returns the endpoint as it now is, or undefined when there is none.
   */
  async rotateSecret(id: string, newSecret: string, overlapMs: number): Promise<EndpointRecord | undefined> {
    const { rows } = await this.db.query<EndpointRow>(
      `UPDATE endpoints SET previous_secret = secret, secret = $2,
         previous_secret_expires_at = now() + make_interval(secs => $3::float8 / 1000), updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL ${RETURNING}`,
      [id, this.box.seal(newSecret), overlapMs],
    );
    return rows[0] ? this.toRecord(rows[0]) : undefined;
  }

  /**
   * Disables a live, enabled endpoint for `reason`.
   * @returns true when this call disabled it (false when it was disabled or deleted already).
   */
  async disable(id: string, reason: DisabledReason): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE endpoints SET disabled = true, disabled_reason = $2, updated_at = now()
       WHERE id = $1 AND deleted_at IS NULL AND NOT disabled`,
      [id, reason],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Marks the endpoint deleted; returns false when there was no live endpoint with this id. */
  async softDelete(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      'UPDATE endpoints SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL',
      [id],
    );
    return (rowCount ?? 0) > 0;
  }
}
