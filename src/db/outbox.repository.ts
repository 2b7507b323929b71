import type { RetryPolicySettings } from '../config';
import type { Database, Queryable } from './database';
import { DELIVERY_COLUMNS, toDeliveryRecord, type DeliveryRecord, type DeliveryRow } from './deliveries.repository';
import type { EndpointRecord } from './endpoints.repository';
import type { MessageEnvelope } from './message-envelope';

/** What starting a delivery's workflow reads of its endpoint (no secret: each attempt reads its own). */
export type StartingEndpoint = Pick<EndpointRecord, 'id' | 'applicationId' | 'url' | 'retryPolicy' | 'timeoutMs'>;

/** A delivery whose start is owed, claimed from the outbox with what starting it takes. */
export interface OutboxEntry {
  delivery: DeliveryRecord;
  message: MessageEnvelope;
  endpoint: StartingEndpoint;
  endpointDeleted: boolean;
}

/** What one claim took, and where the next one goes on. */
export interface OutboxClaim {
  claimed: number;
  /** Rows may remain for a claim right after this one. */
  more: boolean;
  /** Where the next claim's walk over endpoints starts: after this endpoint id ('' from the first). */
  next: string;
}

interface ClaimedRow extends DeliveryRow {
  event_type: string;
  message_ordering_key: string | null;
  message_created_at: Date;
  endpoint_application_id: string;
  endpoint_url: string;
  endpoint_retry_policy: RetryPolicySettings;
  endpoint_timeout_ms: number;
  endpoint_deleted: boolean;
}

// A claimed row, or an endpoint's row with nothing claimable (its delivery columns null).
type ClaimRow = { walked_endpoint_id: string; share: number } & (ClaimedRow | { id: null });

const DELIVERY_SELECT = DELIVERY_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ');

/**
 * SQL for `delivery_outbox` (migration 019): the deliveries accepted but not yet handed to Temporal. Rows are
 * written by MessagesRepository in the accepting transaction and deleted here once started.
 */
export class OutboxRepository {
  constructor(private readonly db: Database) {}

  /**
   * Claims up to `limit` rows no other process holds (`FOR UPDATE SKIP LOCKED`), a share per endpoint: the
   * endpoints with rows waiting are walked in id order from just after `after` (at most `limit` of them),
   * and each gives its oldest rows, `limit` divided among them. A bulk sender's backlog then holds back
   * only its own endpoints. The rows go to `work`, and those whose delivery ids it returns are deleted, all
   * in one transaction: a process that dies mid-way leaves its rows to the next claim, and two processes
   * never take the same row. The rows stay locked while `work` runs; they lock nothing the started
   * workflows write to. Rows younger than `minAgeMs` are left for another process.
   */
  async claim(limit: number, after: string, minAgeMs: number, work: (entries: OutboxEntry[]) => Promise<string[]>): Promise<OutboxClaim> {
    return this.db.withTransaction(async (tx) => {
      // One statement: a loose index scan finds the endpoints (one probe of (endpoint_id, created_at) each,
      // however many rows each has), `limit` is divided among them (the first ones taking one more each
      // when it does not divide evenly), and each gives its share with what starting it takes. An endpoint
      // with nothing claimable still gives one row, without a delivery, so the walk is known in full.
      const { rows } = await tx.query<ClaimRow>(
        `WITH RECURSIVE walk AS (
           (SELECT endpoint_id FROM delivery_outbox WHERE endpoint_id > $1 ORDER BY endpoint_id LIMIT 1)
           UNION ALL
           SELECT (SELECT o.endpoint_id FROM delivery_outbox o WHERE o.endpoint_id > walk.endpoint_id ORDER BY o.endpoint_id LIMIT 1)
           FROM walk WHERE walk.endpoint_id IS NOT NULL),
         walked AS (SELECT endpoint_id FROM walk WHERE endpoint_id IS NOT NULL LIMIT $2),
         shares AS (
           SELECT endpoint_id, $2::int / count(*) OVER () + (row_number() OVER (ORDER BY endpoint_id) <= $2::int % count(*) OVER ())::int AS share
           FROM walked)
         SELECT w.endpoint_id AS walked_endpoint_id, w.share::int AS share,
                ${DELIVERY_SELECT}, m.event_type, m.ordering_key AS message_ordering_key, m.created_at AS message_created_at,
                e.application_id AS endpoint_application_id, e.url AS endpoint_url, e.retry_policy AS endpoint_retry_policy,
                e.timeout_ms AS endpoint_timeout_ms, e.deleted_at IS NOT NULL AS endpoint_deleted
         FROM shares w
         LEFT JOIN LATERAL (
           SELECT o.delivery_id FROM delivery_outbox o
           WHERE o.endpoint_id = w.endpoint_id AND o.created_at < clock_timestamp() - make_interval(secs => $3::float8 / 1000)
           ORDER BY o.created_at LIMIT w.share FOR UPDATE SKIP LOCKED) o ON true
         LEFT JOIN deliveries d ON d.id = o.delivery_id
         LEFT JOIN messages m ON m.application_id = d.application_id AND m.id = d.message_id
         JOIN endpoints e ON e.id = w.endpoint_id
         ORDER BY w.endpoint_id, d.created_at`,
        [after, limit, minAgeMs],
      );
      const endpoints: string[] = [];
      const shares = new Map<string, number>();
      const taken = new Map<string, number>();
      for (const row of rows) {
        if (!shares.has(row.walked_endpoint_id)) endpoints.push(row.walked_endpoint_id);
        shares.set(row.walked_endpoint_id, row.share);
        if (row.id !== null) taken.set(row.walked_endpoint_id, (taken.get(row.walked_endpoint_id) ?? 0) + 1);
      }
      const reachedEnd = endpoints.length < limit;
      // Past the last endpoint: the next claim starts again from the first (rows before `after` may wait).
      const next = reachedEnd ? '' : endpoints[endpoints.length - 1];
      // Started mid-way round and found nothing after: go round again from the first.
      if (endpoints.length === 0) return { claimed: 0, more: after !== '', next };
      const claimed = rows.filter((row): row is ClaimRow & ClaimedRow => row.id !== null);
      // Nothing claimable (every row found is another process's claim): stop until the next kick or poll
      // rather than walk again at once.
      if (claimed.length === 0) return { claimed: 0, more: false, next };
      // An endpoint that gave its whole share may have more; so may endpoints the walk did not reach, and
      // those before where it started.
      const more = !reachedEnd || after !== '' || endpoints.some((id) => taken.get(id) === shares.get(id));
      const done = await work(
        claimed.map((row) => ({
          delivery: toDeliveryRecord(row),
          message: { id: row.message_id, eventType: row.event_type, orderingKey: row.message_ordering_key, createdAt: row.message_created_at },
          endpoint: {
            id: row.endpoint_id,
            applicationId: row.endpoint_application_id,
            url: row.endpoint_url,
            retryPolicy: row.endpoint_retry_policy,
            timeoutMs: row.endpoint_timeout_ms,
          },
          endpointDeleted: row.endpoint_deleted,
        })),
      );
      await this.remove(done, tx);
      return { claimed: claimed.length, more, next };
    });
  }

  private async remove(deliveryIds: string[], tx: Queryable): Promise<void> {
    if (deliveryIds.length === 0) return;
    await tx.query('DELETE FROM delivery_outbox WHERE delivery_id = ANY ($1::text[])', [deliveryIds]);
  }

  /** Deliveries whose start is still owed, of every application or of `applicationId`'s only. */
  async pending(applicationId?: string): Promise<number> {
    const { rows } =
      applicationId === undefined
        ? await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM delivery_outbox')
        : await this.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM delivery_outbox o JOIN deliveries d ON d.id = o.delivery_id WHERE d.application_id = $1',
            [applicationId],
          );
    return rows[0].n;
  }
}
