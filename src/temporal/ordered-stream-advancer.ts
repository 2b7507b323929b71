import type { StreamStep } from '../../workflows/definitions';
import type { EndpointsRepository } from '../db/endpoints.repository';
import type { MessagesRepository } from '../db/messages.repository';
import type { OrderedStreamsRepository, StreamKey } from '../db/ordered-streams.repository';
import { deliveryInputFor } from './delivery-input';
import type { DeliveryStarter } from './delivery-starter';

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
}
