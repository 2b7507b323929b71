import { Inject, Injectable } from '@nestjs/common';
import { deliveryWorkflowId, scheduleLeftMs } from '../../../workflows/definitions';
import type { HookwayConfig } from '../../config';
import { ActivityLogRepository, type LogPage, type MessageLogEntry } from '../../db/activity-log.repository';
import type { ParkPlan } from '../../db/circuits.repository';
import { EndpointsRepository, type EndpointRecord } from '../../db/endpoints.repository';
import { MessagesRepository, type AcceptedMessage } from '../../db/messages.repository';
import { DependencyUnavailableError, InvalidFieldError, NotFoundError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import { OutboxStarter } from '../../temporal/outbox-starter';
import { CONFIG } from '../core/tokens';
import type { CreateMessageDto } from './dto/create-message.dto';

/** Accepts messages into PostgreSQL; the outbox starter hands their deliveries to Temporal. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly endpoints: EndpointsRepository,
    private readonly outbox: OutboxStarter,
    @Inject(CONFIG) private readonly config: HookwayConfig,
    private readonly log: ActivityLogRepository,
  ) {}

  /**
   * Stores the message with one delivery per subscribed endpoint and an outbox row for each, in one
   * PostgreSQL transaction, and returns once that commits: the message is then certain to be delivered,
   * whether Temporal answers now or later. The outbox starter, kicked here, starts each delivery's workflow
   * (or, for a message with an ordering key, wakes its stream on each endpoint) right after. A repeat (same
   * id or idempotency key) returns the original message; whatever of it is not started yet is still in the
   * outbox.
   */
  async publish(applicationId: string, dto: CreateMessageDto, idempotencyKey: string | undefined): Promise<AcceptedMessage> {
    const id = dto.id ?? newId('msg');
    let accepted: AcceptedMessage;
    try {
      accepted = await this.messages.accept(
        {
          id,
          applicationId,
          eventType: dto.eventType,
          payload: dto.payload,
          idempotencyKey: idempotencyKey ?? null,
          orderingKey: dto.orderingKey ?? null,
        },
        async (tx) => {
          const subscribers = await this.endpoints.findSubscribers(applicationId, dto.eventType, tx);
          return subscribers.map((endpoint) => ({
            id: endpoint.id,
            workflowId: deliveryWorkflowId(endpoint.id, id),
            park: this.parkAtOnce(endpoint, dto.orderingKey),
          }));
        },
      );
    } catch (error) {
      throw new DependencyUnavailableError('postgres', error);
    }
    this.outbox.kick();
    return accepted;
  }

  /**
   * A delivery to an endpoint whose circuit is open waits parked from the start, with its whole schedule
   * left, and gets no workflow run until the circuit workflow runs it (as a probe, or released once the
   * circuit closes) or dead-letters it: a dead endpoint's messages cost its healthy neighbours nothing in
   * Temporal. Not an ordered one, whose stream starts it in turn.
   */
  private parkAtOnce(endpoint: EndpointRecord, orderingKey: string | undefined): ParkPlan | undefined {
    if (endpoint.circuitOpenedAt === null || this.config.delivery.circuitThreshold === 0 || orderingKey !== undefined) return undefined;
    // A single-attempt schedule has nothing to wait: its one attempt is made, circuit or not.
    const left = scheduleLeftMs(endpoint.retryPolicy, 1);
    return left > 0 ? { attempts: 0, scheduleLeftMs: left } : undefined;
  }

  /** The application's message with its deliveries, or NotFoundError. */
  async get(applicationId: string, id: string): Promise<AcceptedMessage> {
    const message = await this.messages.findById(applicationId, id);
    if (!message) throw new NotFoundError('message', id);
    return { message, deliveries: await this.messages.deliveriesOf(applicationId, id), created: false };
  }

  /**
   * One page of the application's messages, newest first, without payloads.
   * @throws InvalidFieldError naming `after` when it is no message of the application.
   */
  async list(applicationId: string, filter: LogPage & { eventType?: string }): Promise<MessageLogEntry[]> {
    const items = await this.log.messages(applicationId, filter);
    if (!items) throw new InvalidFieldError('after', `after must be the id of one of the application's messages; ${filter.after ?? ''} is not`);
    return items;
  }
}
