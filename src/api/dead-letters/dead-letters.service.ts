import { Injectable } from '@nestjs/common';
import { DeadLettersRepository, type DeadLetterRecord } from '../../db/dead-letters.repository';
import { DeliveriesRepository } from '../../db/deliveries.repository';
import { EndpointsRepository } from '../../db/endpoints.repository';
import { ConflictError, DependencyUnavailableError, InvalidFieldError, NotFoundError } from '../../domain/errors';
import { DeadLetterRetrier } from '../../temporal/dead-letter-retrier';
import type { PageQuery } from '../common/pagination';
import { DeadLetterSignals } from '../../temporal/dead-letter-signals';
import { OrderedStreamSignals } from '../../temporal/ordered-stream-signals';

/** Operator actions on dead letters: list, retry one, redrive an endpoint's, discard. */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly deadLetters: DeadLettersRepository,
    private readonly endpoints: EndpointsRepository,
    private readonly retrier: DeadLetterRetrier,
    private readonly signals: DeadLetterSignals,
    private readonly deliveries: DeliveriesRepository,
    private readonly streams: OrderedStreamSignals,
  ) {}

  /**
   * The application's open dead letters, newest first, read from PostgreSQL (the one home of the queue) at any size.
   * @throws InvalidFieldError naming `after` when it is no dead letter of the application.
   */
  async list(filter: { applicationId: string; endpointId?: string } & PageQuery): Promise<{ items: DeadLetterRecord[]; total: number }> {
    const page = await this.deadLetters.listOpen(filter);
    if (!page) throw new InvalidFieldError('after', `after must be the id of one of the application's dead letters; ${filter.after ?? ''} is not`);
    return page;
  }

  /** Runs the dead letter's delivery again now. */
  async retry(id: string): Promise<{ id: string; status: 'started' | 'running' }> {
    try {
      return { id, status: await this.retrier.retry(id) };
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof ConflictError) throw error;
      throw new DependencyUnavailableError('temporal', error);
    }
  }

  /**
   * Redrives every open dead letter of the endpoint through its dead-letter workflow, which pages through
   * them in PostgreSQL oldest first, paced. @returns how many were open when asked.
   */
  async redrive(applicationId: string, endpointId: string): Promise<{ count: number }> {
    if (!(await this.endpoints.findById(endpointId, { applicationId }))) throw new NotFoundError('endpoint', endpointId);
    const count = await this.deadLetters.countOpen(endpointId);
    if (count > 0) {
      try {
        await this.signals.redrive(endpointId, { automatic: false });
      } catch (error) {
        throw new DependencyUnavailableError('temporal', error);
      }
    }
    return { count };
  }

  /** Drops a dead letter without delivering it; an ordered stream it held moves on to the next message. */
  async discard(id: string): Promise<void> {
    const resolved = await this.deadLetters.resolve(id, 'discarded');
    if (!resolved) {
      const existing = await this.deadLetters.findById(id);
      if (!existing) throw new NotFoundError('dead_letter', id);
      throw new ConflictError('dead_letter_resolved', `dead letter ${id} was ${existing.resolution} already`);
    }
    if (!(await this.deadLetters.hasOpen(resolved.endpointId))) await this.signals.drained(resolved.endpointId);
    const delivery = await this.deliveries.findById(resolved.deliveryId);
    if (delivery?.orderingKey) await this.streams.wake({ endpointId: delivery.endpointId, orderingKey: delivery.orderingKey });
  }
}
