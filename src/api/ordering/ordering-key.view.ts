import type { StreamState } from '../../db/ordered-streams.repository';

/** An ordered stream (one endpoint, one ordering key) as the API shows it. */
export interface OrderingKeyView {
  endpointId: string;
  orderingKey: string;
  /** `idle`: all delivered; `delivering`: `head` is under way; `blocked`: `head` was dead-lettered and holds the rest. */
  state: 'idle' | 'delivering' | 'blocked';
  /** The message the stream waits on. */
  head: { sequence: number; messageId: string; deliveryId: string; workflowId: string } | null;
  /** What blocks the stream: retry (`POST /v1/dead-letters/:id/retry`) or discard (`DELETE`) it to go on. */
  blockedBy: { deadLetterId: string; messageId: string; sequence: number; error: string; since: string } | null;
  /** Messages after the head, not yet sent. */
  waiting: number;
  /** Number of the latest message accepted with this key. */
  lastSequence: number;
}

/** Renders a stream's state. */
export function toOrderingKeyView(state: StreamState): OrderingKeyView {
  const head = state.head;
  return {
    endpointId: state.endpointId,
    orderingKey: state.orderingKey,
    state: head === null ? 'idle' : head.deadLetter ? 'blocked' : 'delivering',
    head: head && { sequence: head.sequence, messageId: head.messageId, deliveryId: head.deliveryId, workflowId: head.workflowId },
    blockedBy:
      head?.deadLetter
        ? {
            deadLetterId: head.deadLetter.id,
            messageId: head.messageId,
            sequence: head.sequence,
            error: head.deadLetter.error,
            since: head.deadLetter.deadLetteredAt.toISOString(),
          }
        : null,
    waiting: state.waiting,
    lastSequence: state.lastSequence,
  };
}
