import type { DeliveryInput, StreamStep } from '../../workflows/definitions';
import type { EndpointsRepository } from '../db/endpoints.repository';
import type { MessagesRepository } from '../db/messages.repository';
import type { OrderedStreamsRepository, StreamHead, StreamKey } from '../db/ordered-streams.repository';
import { deliveryInputFor } from './delivery-input';
import type { DeliveryMemo, DeliveryStarter } from './delivery-starter';

// How a delivery's workflow ends when someone cut it short, without a verdict of its own.
const CUT_SHORT = new Set(['TERMINATED', 'CANCELLED', 'TIMED_OUT']);
// How long a step waits for the previous delivery's workflow to close, and how often it looks.
const CLOSE_GRACE_MS = 1_000;
const CLOSE_POLL_MS = 100;

/** One step of an ordered stream: find the delivery it waits on and make sure that one is under way. */
export class OrderedStreamAdvancer {
  constructor(
    private readonly repos: { streams: OrderedStreamsRepository; messages: MessagesRepository; endpoints: EndpointsRepository },
    private readonly starter: DeliveryStarter,
  ) {}

  /**
   * Starts the stream's next delivery unless its workflow runs already (or ran and succeeded). Idempotent:
   * Temporal may retry it, and a stream may call it again while the delivery is under way.
   */
  async advance(stream: StreamKey): Promise<StreamStep> {
    const [head, endpoint] = await Promise.all([this.repos.streams.head(stream), this.repos.endpoints.findById(stream.endpointId)]);
    // A deleted endpoint gets nothing more: its stream has nothing left to do, held or not.
    if (!head || !endpoint) return { state: 'idle' };
    const position = { sequence: head.sequence, messageId: head.messageId, workflowId: head.workflowId };
    if (head.status === 'dead_lettered' && head.deadLetter) return { state: 'blocked', ...position, deadLetterId: head.deadLetter.id };
    // PostgreSQL may say the previous message succeeded while its workflow still runs: the attempt got
    // its 2xx, but Temporal never heard (a server outage), so it will run that attempt again. Message n+1
    // goes only once n's workflow has closed, so a repeat of n can never come after n+1. (Not for one the
    // stream was released from: a retried skip-mode dead letter is out of order by the operator's choice.)
    const previous = head.sequence > 1 ? await this.repos.streams.deliveryAt(stream, head.sequence - 1) : undefined;
    if (previous && !previous.released && !(await this.closes(previous.workflowId))) {
      return { state: 'finishing', sequence: head.sequence - 1, messageId: previous.messageId, workflowId: previous.workflowId };
    }
    const message = await this.repos.messages.findById(endpoint.applicationId, head.messageId);
    if (!message) return { state: 'idle' };
    const { input, memo } = deliveryInputFor(message, { id: head.deliveryId }, endpoint);
    if (!(await this.starter.start(head.workflowId, input, memo))) await this.runAgainIfCut(stream, head, input, memo);
    return { state: 'delivering', ...position };
  }

  // The head's workflow exists. Running, or failed (dead-lettered: PostgreSQL will say so), it needs
  // nothing. Terminated, cancelled or timed out by an operator, it ended without a verdict: run it again,
  // once PostgreSQL (read after the close) still has it pending. Never a blind restart, which could re-run
  // a delivery that dead-lettered a moment ago.
  private async runAgainIfCut(stream: StreamKey, head: StreamHead, input: DeliveryInput, memo: DeliveryMemo): Promise<void> {
    const status = await this.starter.status(head.workflowId);
    if (status === undefined || !CUT_SHORT.has(status)) return;
    const now = await this.repos.streams.head(stream);
    if (now?.deliveryId === head.deliveryId && now.status === 'pending') await this.starter.restart(head.workflowId, input, memo);
  }

  // A delivery wakes its stream just before its workflow completes; give it a moment to finish closing
  // rather than wait for the next wake-up. @returns false when it is still open after that.
  private async closes(workflowId: string): Promise<boolean> {
    const deadline = Date.now() + CLOSE_GRACE_MS;
    while (await this.starter.running(workflowId)) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, CLOSE_POLL_MS));
    }
    return true;
  }
}
