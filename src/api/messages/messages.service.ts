import { Inject, Injectable } from '@nestjs/common';
import { deliveryWorkflowId, scheduleLeftMs } from '../../../workflows/definitions';
import type { HookwayConfig } from '../../config';
import { ActivityLogRepository, type LogPage, type MessageLogEntry } from '../../db/activity-log.repository';
import type { ParkPlan } from '../../db/circuits.repository';
import { EndpointsRepository, type EndpointRecord } from '../../db/endpoints.repository';
import { MessagesRepository, type AcceptedMessage } from '../../db/messages.repository';
import type { DeliveryRecord } from '../../db/deliveries.repository';
import { DependencyUnavailableError, InvalidFieldError, NotFoundError, RefusedError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import { DeliveryStarter } from '../../temporal/delivery-starter';
import { deliveryInputFor } from '../../temporal/delivery-input';
import { OrderedStreamSignals } from '../../temporal/ordered-stream-signals';
import { CONFIG } from '../core/tokens';
import { EventCatalog } from '../event-types/event-catalog';
import { FanOut } from '../filters/fan-out';
import type { CreateMessageDto } from './dto/create-message.dto';

/** Accepts messages and hands their deliveries to Temporal. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly endpoints: EndpointsRepository,
    private readonly starter: DeliveryStarter,
    private readonly streams: OrderedStreamSignals,
    @Inject(CONFIG) private readonly config: HookwayConfig,
    private readonly log: ActivityLogRepository,
    private readonly catalog: EventCatalog,
    private readonly fanOut: FanOut,
  ) {}

  /**
   * Stores the message with one delivery per subscribed endpoint, then starts every pending delivery's
   * workflow (or, for a message with an ordering key, wakes its stream on each endpoint). Only when all have started is the message accepted, so a 202 means Temporal holds it. A
   * repeat (same id or idempotency key) starts whatever a failed first call left unstarted and returns
   * the original message. With `onlyTo`, that endpoint is the one subscriber, whatever it and the others
   * subscribe to: a test event for one endpoint.
   */
  async publish(applicationId: string, dto: CreateMessageDto, idempotencyKey: string | undefined, onlyTo?: EndpointRecord): Promise<AcceptedMessage> {
    const subscribers = new Map<string, EndpointRecord>();
    const id = dto.id ?? newId('msg');
    // A refusal stands only for a new message: a repeat of one accepted before its type was archived or
    // its schema changed gets the stored message, as every repeat does.
    const refusal = await this.catalog.check(dto.eventType, dto.payload).then(
      () => undefined,
      (error: unknown) => {
        if (!(error instanceof RefusedError) || (dto.id === undefined && idempotencyKey === undefined)) throw error;
        return error;
      },
    );
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
        async (tx, message) => {
          if (refusal) throw refusal;
          // A test event goes to its one endpoint whatever the filters say.
          const found = onlyTo ? [onlyTo] : await this.endpoints.findSubscribers(applicationId, dto.eventType, tx);
          const { kept, filteredOut } = onlyTo ? { kept: found, filteredOut: 0 } : this.fanOut.select(message, found);
          if (filteredOut > 0) await this.messages.recordFilteredOut(message, filteredOut, tx);
          for (const endpoint of kept) subscribers.set(endpoint.id, endpoint);
          return [...subscribers.values()].map((endpoint) => ({
            id: endpoint.id,
            workflowId: deliveryWorkflowId(endpoint.id, id),
            park: this.parkAtOnce(endpoint, dto.orderingKey),
          }));
        },
      );
    } catch (error) {
      if (error === refusal) throw error;
      throw new DependencyUnavailableError('postgres', error);
    }
    await this.startPending(accepted, subscribers);
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

  private async startPending(accepted: AcceptedMessage, known: Map<string, EndpointRecord>): Promise<void> {
    // Parked ones are the circuit workflow's to run.
    const pending = accepted.deliveries.filter((d) => d.status === 'pending' && d.parkedAt === null);
    try {
      await Promise.all(pending.map(async (delivery) => this.startOne(accepted, delivery, known.get(delivery.endpointId))));
    } catch (error) {
      throw new DependencyUnavailableError('temporal', error);
    }
  }

  private async startOne(accepted: AcceptedMessage, delivery: DeliveryRecord, known: EndpointRecord | undefined): Promise<void> {
    // An ordered delivery waits its turn: its stream starts it once everything before it is done.
    if (delivery.orderingKey !== null) {
      await this.streams.wake({ endpointId: delivery.endpointId, orderingKey: delivery.orderingKey });
      return;
    }
    const endpoint = known ?? (await this.endpoints.findById(delivery.endpointId));
    // An endpoint deleted between two posts of the same message gets nothing new.
    if (!endpoint) return;
    const { input, memo } = deliveryInputFor(accepted.message, delivery, endpoint);
    await this.starter.start(delivery.workflowId, input, memo);
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
