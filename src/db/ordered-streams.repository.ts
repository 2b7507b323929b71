import type { Database } from './database';

/** One ordered stream: the deliveries of one endpoint whose messages carry one ordering key. */
export interface StreamKey {
  endpointId: string;
  orderingKey: string;
}

/** The delivery a stream waits on: the lowest-numbered one not yet done. */
export interface StreamHead {
  deliveryId: string;
  messageId: string;
  workflowId: string;
  sequence: number;
  /** `pending`: being delivered (or about to be); `dead_lettered`: the stream is blocked on it. */
  status: 'pending' | 'dead_lettered';
  /** The open dead letter holding the stream, when it is blocked. */
  deadLetter: { id: string; error: string; deadLetteredAt: Date } | null;
}

/** A stream's position, as the API shows it. */
export interface StreamState extends StreamKey {
  head: StreamHead | null;
  /** Deliveries after the head, not yet sent. */
  waiting: number;
  /** The highest number handed out so far. */
  lastSequence: number;
}

interface HeadRow {
  id: string;
  message_id: string;
  workflow_id: string;
  sequence: string;
  status: 'pending' | 'dead_lettered';
  dead_letter_id: string | null;
  error: string | null;
  dead_lettered_at: Date | null;
}

// A delivery still holds its stream while pending, or while dead-lettered with its dead letter open,
// unless it was released (dead-lettered under `skip`, see migration 007). Succeeded, discarded or released:
// the stream moves past. `d` is the delivery, `dl` its open dead letter (see STREAM_FROM). The conditions
// match the partial index deliveries_stream_undone_idx.
const UNDONE = `d.status <> 'succeeded' AND NOT d.stream_released
  AND (d.status = 'pending' OR dl.id IS NOT NULL)`;
const HEAD_COLUMNS = `d.id, d.message_id, d.workflow_id, d.sequence, d.status,
  dl.id AS dead_letter_id, dl.error, dl.dead_lettered_at`;
const STREAM_FROM = `deliveries d LEFT JOIN dead_letters dl ON dl.delivery_id = d.id AND dl.resolved_at IS NULL`;

function toHead(row: HeadRow): StreamHead {
  return {
    deliveryId: row.id,
    messageId: row.message_id,
    workflowId: row.workflow_id,
    sequence: Number(row.sequence),
    status: row.status,
    deadLetter:
      row.dead_letter_id === null ? null : { id: row.dead_letter_id, error: row.error ?? '', deadLetteredAt: row.dead_lettered_at ?? new Date(0) },
  };
}

/** SQL for ordered streams: which delivery each waits on, which are blocked, which need a nudge. */
export class OrderedStreamsRepository {
  constructor(private readonly db: Database) {}

  /** The delivery the stream waits on, or undefined when every delivery in it is done. */
  async head(stream: StreamKey): Promise<StreamHead | undefined> {
    const { rows } = await this.db.query<HeadRow>(
      `SELECT ${HEAD_COLUMNS} FROM ${STREAM_FROM}
       WHERE d.endpoint_id = $1 AND d.ordering_key = $2 AND (${UNDONE})
       ORDER BY d.sequence LIMIT 1`,
      [stream.endpointId, stream.orderingKey],
    );
    return rows[0] ? toHead(rows[0]) : undefined;
  }

  /**
   * The message and workflow ID of the stream's delivery numbered `sequence`, or undefined; `released`
   * when the stream no longer waits for it (dead-lettered under `skip`, perhaps retried since).
   */
  async deliveryAt(stream: StreamKey, sequence: number): Promise<{ messageId: string; workflowId: string; released: boolean } | undefined> {
    const { rows } = await this.db.query<{ message_id: string; workflow_id: string; stream_released: boolean }>(
      'SELECT message_id, workflow_id, stream_released FROM deliveries WHERE endpoint_id = $1 AND ordering_key = $2 AND sequence = $3',
      [stream.endpointId, stream.orderingKey, sequence],
    );
    return rows[0] && { messageId: rows[0].message_id, workflowId: rows[0].workflow_id, released: rows[0].stream_released };
  }

  /** Releases the endpoint's streams held by a dead letter (it switched to `skip`). @returns the streams. */
  async releaseHeld(endpointId: string): Promise<StreamKey[]> {
    const { rows } = await this.db.query<{ ordering_key: string }>(
      `UPDATE deliveries d SET stream_released = true
       FROM dead_letters dl
       WHERE dl.delivery_id = d.id AND dl.resolved_at IS NULL AND d.endpoint_id = $1 AND d.ordering_key IS NOT NULL
         AND NOT d.stream_released
       RETURNING d.ordering_key`,
      [endpointId],
    );
    return [...new Set(rows.map((r) => r.ordering_key))].map((orderingKey) => ({ endpointId, orderingKey }));
  }

  /** Where the stream stands, or undefined when the endpoint never received a message with this key. */
  async state(stream: StreamKey): Promise<StreamState | undefined> {
    const { rows } = await this.db.query<{ last_sequence: string; waiting: string }>(
      `SELECT s.last_sequence,
              (SELECT count(*) FROM deliveries d WHERE d.endpoint_id = s.endpoint_id AND d.ordering_key = s.ordering_key
                 AND d.status = 'pending') AS waiting
       FROM ordering_streams s WHERE s.endpoint_id = $1 AND s.ordering_key = $2`,
      [stream.endpointId, stream.orderingKey],
    );
    if (!rows[0]) return undefined;
    const head = (await this.head(stream)) ?? null;
    const pending = Number(rows[0].waiting);
    return { ...stream, head, waiting: head?.status === 'pending' ? pending - 1 : pending, lastSequence: Number(rows[0].last_sequence) };
  }

  /** The endpoint's streams held by a dead letter, longest blocked first. */
  async blocked(endpointId: string, limit: number): Promise<StreamState[]> {
    const { rows } = await this.db.query<HeadRow & { ordering_key: string; last_sequence: string; waiting: string }>(
      `SELECT h.*, s.last_sequence,
              (SELECT count(*) FROM deliveries w WHERE w.endpoint_id = $1 AND w.ordering_key = h.ordering_key
                 AND w.status = 'pending') AS waiting
       FROM (SELECT DISTINCT ON (d.ordering_key) d.ordering_key, ${HEAD_COLUMNS}
             FROM ${STREAM_FROM}
             WHERE d.endpoint_id = $1 AND d.ordering_key IS NOT NULL AND (${UNDONE})
             ORDER BY d.ordering_key, d.sequence) h
       JOIN ordering_streams s ON s.endpoint_id = $1 AND s.ordering_key = h.ordering_key
       WHERE h.status = 'dead_lettered'
       ORDER BY h.dead_lettered_at LIMIT $2`,
      [endpointId, limit],
    );
    return rows.map((row) => ({
      endpointId,
      orderingKey: row.ordering_key,
      head: toHead(row),
      waiting: Number(row.waiting),
      lastSequence: Number(row.last_sequence),
    }));
  }

  /**
   * Streams whose head is a pending delivery older than `olderThanMs` that never made an attempt: their
   * workflow may never have been told about it (the API stopped after committing). Streams held by a dead
   * letter are not listed: they wait for an operator, and waking them would change nothing.
   */
  async stalled(olderThanMs: number, limit: number): Promise<StreamKey[]> {
    const { rows } = await this.db.query<{ endpoint_id: string; ordering_key: string }>(
      `SELECT w.endpoint_id, w.ordering_key
       FROM deliveries w JOIN endpoints we ON we.id = w.endpoint_id AND we.deleted_at IS NULL
       WHERE w.status = 'pending' AND w.ordering_key IS NOT NULL AND w.parked_at IS NULL
         AND w.created_at < now() - make_interval(secs => $1::float8 / 1000)
         AND NOT EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = w.id)
         AND NOT EXISTS (
           SELECT 1 FROM ${STREAM_FROM}
           WHERE d.endpoint_id = w.endpoint_id AND d.ordering_key = w.ordering_key AND d.sequence < w.sequence AND (${UNDONE}))
       GROUP BY w.endpoint_id, w.ordering_key
       -- Longest waiting first, so busy streams cannot crowd a forgotten one out of the batch.
       ORDER BY min(w.created_at) LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => ({ endpointId: r.endpoint_id, orderingKey: r.ordering_key }));
  }
}
