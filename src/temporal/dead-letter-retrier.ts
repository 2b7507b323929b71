import type { DeadLetterRetryOutcome } from '../../workflows/definitions';
import type { DeadLettersRepository } from '../db/dead-letters.repository';
import type { DeliveriesRepository } from '../db/deliveries.repository';
import type { EndpointsRepository } from '../db/endpoints.repository';
import type { MessagesRepository } from '../db/messages.repository';
import { ConflictError, NotFoundError } from '../domain/errors';
import type { DeadLetterSignals } from './dead-letter-signals';
import { deliveryInputFor } from './delivery-input';
import type { DeliveryStarter } from './delivery-starter';

/**
 * Runs a dead-lettered delivery again: a new run of the same workflow ID (so the same `webhook-id`), with
 * the endpoint's current URL, policy and secret. Shared by the API (one) and the dead-letter workflow's
 * paced redrive.
 */
export class DeadLetterRetrier {
  constructor(
    private readonly repos: {
      deadLetters: DeadLettersRepository;
      deliveries: DeliveriesRepository;
      messages: MessagesRepository;
      endpoints: EndpointsRepository;
    },
    private readonly starter: DeliveryStarter,
    private readonly signals: DeadLetterSignals,
  ) {}

  /**
   * @returns `started` (a new run delivers it), `running` (another retry's run is under way already).
   * @throws NotFoundError for an unknown id; ConflictError `dead_letter_resolved` when it was delivered or
   *   discarded (also when its last run turns out to have succeeded), `endpoint_deleted` without endpoint,
   *   `delivery_closing` while the run that dead-lettered it has not closed yet.
   */
  async retry(deadLetterId: string): Promise<Extract<DeadLetterRetryOutcome, 'started' | 'running'>> {
    const { deadLetters, deliveries, messages, endpoints } = this.repos;
    const deadLetter = await deadLetters.findById(deadLetterId);
    if (!deadLetter) throw new NotFoundError('dead_letter', deadLetterId);
    if (deadLetter.resolvedAt) {
      throw new ConflictError('dead_letter_resolved', `dead letter ${deadLetterId} was ${deadLetter.resolution} already`);
    }
    const [message, endpoint] = await Promise.all([messages.findById(deadLetter.applicationId, deadLetter.messageId), endpoints.findById(deadLetter.endpointId)]);
    if (!endpoint || !message) {
      throw new ConflictError('endpoint_deleted', `endpoint ${deadLetter.endpointId} was deleted; discard the dead letter instead`);
    }
    const { input, memo } = deliveryInputFor(message, { id: deadLetter.deliveryId }, endpoint);
    // Someone asked for this one to be tried now: its first attempt goes ahead even if the endpoint's
    // circuit is open (it is then a probe: a success closes the circuit, a failure parks it again).
    input.circuitBypass = 'probe';
    // Pending before each run starts, so a run that succeeds at once is not overwritten afterwards; only
    // while the dead letter is open, so a discard racing this retry wins.
    let result;
    try {
      result = await this.starter.restart(deadLetter.workflowId, input, memo, () => deliveries.reopenForRetry(deadLetter.deliveryId));
    } catch (error) {
      await deliveries.setStatus(deadLetter.deliveryId, 'dead_lettered');
      throw error;
    }
    if (result.outcome === 'resolved') {
      throw new ConflictError('dead_letter_resolved', `dead letter ${deadLetterId} was resolved meanwhile`);
    }
    if (result.outcome === 'completed') {
      await deliveries.setStatus(deadLetter.deliveryId, 'succeeded');
      // Its last run delivered it (say, after a CLI reset) and the record lagged: settle it now.
      await deadLetters.resolve(deadLetterId, 'delivered');
      if (!(await deadLetters.hasOpen(deadLetter.endpointId))) await this.signals.drained(deadLetter.endpointId);
      throw new ConflictError('dead_letter_resolved', `dead letter ${deadLetterId} was delivered already`);
    }
    if (result.outcome === 'running' && result.runId === deadLetter.runId) {
      // The run that dead-lettered it is still closing (its queue alerts can take a while): it delivers
      // nothing, and no other run can start before it closes, so the delivery stays dead-lettered.
      await deliveries.setStatus(deadLetter.deliveryId, 'dead_lettered');
      throw new ConflictError('delivery_closing', `the run that dead-lettered ${deadLetterId} is still closing; retry in a few seconds`);
    }
    return result.outcome;
  }
}
