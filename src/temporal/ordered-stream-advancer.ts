import type { StreamStep } from '../../workflows/definitions';
import type { EndpointsRepository } from '../db/endpoints.repository';
import type { MessagesRepository } from '../db/messages.repository';
import type { OrderedStreamsRepository, StreamKey } from '../db/ordered-streams.repository';
import { deliveryInputFor } from './delivery-input';
import type { DeliveryStarter } from './delivery-starter';

// How long a step waits for the previous delivery's workflow to close, and how often it looks.
const CLOSE_GRACE_MS = 5_000;
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
    const head = await this.repos.streams.head(stream);
    if (!head) return { state: 'idle' };
    const position = { sequence: head.sequence, messageId: head.messageId, workflowId: head.workflowId };
    if (head.deadLetter) return { state: 'blocked', ...position, deadLetterId: head.deadLetter.id };
    // PostgreSQL may say the previous message succeeded while its workflow still runs: the attempt got
    // its 2xx, but Temporal never heard (a server outage), so it will run that attempt again. Message n+1
    // goes only once n's workflow has closed, so a repeat of n can never come after n+1.
    const previous = head.sequence > 1 ? await this.repos.streams.deliveryAt(stream, head.sequence - 1) : undefined;
    if (previous && !(await this.closes(previous.workflowId))) return { state: 'delivering', sequence: head.sequence - 1, ...previous };
    const [message, endpoint] = await Promise.all([
      this.repos.messages.findById(head.messageId),
      this.repos.endpoints.findById(stream.endpointId),
    ]);
    // A deleted endpoint gets nothing more; its stream has nothing left to do.
    if (!message || !endpoint) return { state: 'idle' };
    const { input, memo } = deliveryInputFor(message, { id: head.deliveryId }, endpoint);
    // A first start, or a new run after one that failed without dead-lettering (terminated by an operator).
    await this.starter.restart(head.workflowId, input, memo);
    return { state: 'delivering', ...position };
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
