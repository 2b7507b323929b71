import { Inject, Injectable } from '@nestjs/common';
import { deliveryWorkflowId, scheduleLeftMs } from '../../../workflows/definitions';
import type { HookwayConfig } from '../../config';
import { ActivityLogRepository, type LogPage, type MessageLogEntry } from '../../db/activity-log.repository';
import type { ParkPlan } from '../../db/circuits.repository';
import { EndpointsRepository, type EndpointRecord, type SubscribedEndpoint, type Subscribers } from '../../db/endpoints.repository';
import { MessageBatchesRepository } from '../../db/message-batches.repository';
import { MessagesRepository, type AcceptedMessage, type CandidateMessage, type PreparedCandidate, type Subscriber } from '../../db/messages.repository';
import { DependencyUnavailableError, InvalidFieldError, NotFoundError, RefusedError } from '../../domain/errors';
import { newId } from '../../domain/ids';
import { CONFIG } from '../core/tokens';
import { EventCatalog } from '../event-types/event-catalog';
import { FanOut, type FilterFailure } from '../filters/fan-out';
import { checkBatchEntries, entryPath, type BatchEntryError } from './batch-entries';
import type { CreateMessageDto } from './dto/create-message.dto';

/** A message ready to store, with the filters that failed on it (reported only if it is stored as new). */
interface Prepared extends PreparedCandidate {
  failures: FilterFailure[];
}

/** What became of one message of a batch: accepted (new or a repeat), or its error. */
export type BatchItem = { index: number; status: 202; accepted: AcceptedMessage } | { index: number; status: number; error: BatchEntryError };

/** Accepts messages into PostgreSQL; the outbox starters hand their deliveries to Temporal. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly batches: MessageBatchesRepository,
    private readonly endpoints: EndpointsRepository,
    @Inject(CONFIG) private readonly config: HookwayConfig,
    private readonly log: ActivityLogRepository,
    private readonly catalog: EventCatalog,
    private readonly fanOut: FanOut,
  ) {}

  /**
   * Stores the message with one delivery per subscribed endpoint and an outbox row for each, in one
   * PostgreSQL statement, and returns once that commits: the message is then certain to be delivered,
   * whether Temporal answers now or later. The commit wakes the workers' outbox starters (see
   * OutboxListener), which start each delivery's workflow (or, for a message with an ordering key, wake
   * its stream on each endpoint) right after. A repeat (same id or idempotency key) returns the original
   * message; whatever of it is not started yet is still in the outbox. With `onlyTo`, that endpoint is the
   * one subscriber, whatever it and the others subscribe to: a test event for one endpoint.
   */
  async publish(applicationId: string, dto: CreateMessageDto, idempotencyKey: string | undefined, onlyTo?: EndpointRecord): Promise<AcceptedMessage> {
    const candidate = await this.check(applicationId, dto, idempotencyKey);
    let prepared: Prepared;
    let accepted: AcceptedMessage;
    try {
      prepared = this.choose(candidate, onlyTo ?? (await this.endpoints.findSubscribers(applicationId, candidate.eventType)));
      accepted = await this.messages.accept(prepared.candidate, prepared.choice);
    } catch (error) {
      throw new DependencyUnavailableError('postgres', error);
    }
    if (accepted.created) this.fanOut.reportFailures(accepted.message, prepared.failures);
    return accepted;
  }

  /**
   * Accepts the valid messages of a batch in ONE transaction (all stored, or none if it fails), each with
   * its own id and idempotency as {@link publish} gives it; a message repeating an earlier one of the same
   * batch is a repeat of it. Invalid ones are answered by index without holding up the rest.
   * @returns one item per entry, in request order.
   * @throws InvalidFieldError naming `messages` unless there are 1 to `HOOKWAY_MAX_BATCH` of them.
   */
  async publishBatch(applicationId: string, entries: unknown[]): Promise<BatchItem[]> {
    const max = this.config.api.maxBatch;
    if (entries.length === 0 || entries.length > max) {
      throw new InvalidFieldError('messages', `messages must hold 1 to ${max} messages (HOOKWAY_MAX_BATCH); it holds ${entries.length}`);
    }
    const items: BatchItem[] = [];
    const valid: { index: number; candidate: CandidateMessage }[] = [];
    // Ids and idempotency keys of the valid entries so far: an entry repeating one is a repeat of it.
    const earlier = new Set<string>();
    for (const entry of await checkBatchEntries(entries, this.config.api.maxPayloadBytes)) {
      if ('error' in entry) {
        items[entry.index] = { index: entry.index, status: entry.status, error: entry.error };
        continue;
      }
      try {
        const { id, idempotencyKey } = entry.dto;
        const repeatsEarlier = (id !== undefined && earlier.has(`id:${id}`)) || (idempotencyKey !== undefined && earlier.has(`key:${idempotencyKey}`));
        const candidate = await this.check(applicationId, entry.dto, idempotencyKey, repeatsEarlier);
        valid.push({ index: entry.index, candidate });
        earlier.add(`id:${candidate.id}`);
        if (candidate.idempotencyKey !== null) earlier.add(`key:${candidate.idempotencyKey}`);
      } catch (error) {
        const path = entryPath(entry.index);
        if (error instanceof InvalidFieldError) {
          items[entry.index] = { index: entry.index, status: 400, error: { code: 'invalid_field', message: `${path}: ${error.message}`, field: `${path}.${error.field}` } };
        } else if (error instanceof RefusedError) {
          const field = error.field === undefined ? path : `${path}.${error.field}`;
          items[entry.index] = { index: entry.index, status: 400, error: { code: error.code, message: `${path}: ${error.message}`, field } };
        } else {
          throw error;
        }
      }
    }
    if (valid.length === 0) return items;
    let prepared: Prepared[];
    let accepted: AcceptedMessage[];
    try {
      // One subscriber read per event type for the whole batch, one after another; its messages share the
      // first read's time (what their filters see), so a type read later may see endpoints created since.
      const found = new Map<string, Subscribers>();
      for (const { candidate } of valid) {
        if (!found.has(candidate.eventType)) found.set(candidate.eventType, await this.endpoints.findSubscribers(applicationId, candidate.eventType));
      }
      const at = [...found.values()][0].at;
      prepared = valid.map(({ candidate }) => this.choose(candidate, { at, endpoints: found.get(candidate.eventType)?.endpoints ?? [] }));
      accepted = await this.batches.acceptMany(prepared);
    } catch (error) {
      throw new DependencyUnavailableError('postgres', error);
    }
    valid.forEach(({ index }, i) => {
      items[index] = { index, status: 202, accepted: accepted[i] };
      if (accepted[i].created) this.fanOut.reportFailures(accepted[i].message, prepared[i].failures);
    });
    return items;
  }

  /**
   * What every message goes through before it is stored, alone or in a batch (a check added here applies
   * to both routes; it throws InvalidFieldError naming the field within the message): its id, and the
   * event-type catalog's checks, which a repeat passes (`repeatsEarlier`: of an earlier entry of its batch).
   */
  private async check(applicationId: string, dto: CreateMessageDto, idempotencyKey: string | undefined, repeatsEarlier = false): Promise<CandidateMessage> {
    const id = dto.id ?? newId('msg');
    if (!repeatsEarlier) await this.checkAgainstCatalog(applicationId, id, dto, idempotencyKey);
    return { id, applicationId, eventType: dto.eventType, payload: dto.payload, idempotencyKey: idempotencyKey ?? null, orderingKey: dto.orderingKey ?? null };
  }

  /**
   * Where the message goes: the subscribers its filters let through, at the time they were read (which the
   * filters see as `timestamp` and becomes the message's acceptance time), or the one endpoint of a test
   * event, whatever the filters say.
   */
  private choose(candidate: CandidateMessage, found: Subscribers | EndpointRecord): Prepared {
    const subscriber = (endpoint: SubscribedEndpoint): Subscriber => ({
      id: endpoint.id,
      workflowId: deliveryWorkflowId(endpoint.id, candidate.id),
      park: this.parkAtOnce(endpoint, candidate.orderingKey),
    });
    if (!('endpoints' in found)) return { candidate, choice: { subscribers: [subscriber(found)], filteredOut: 0 }, failures: [] };
    const { kept, filteredOut, failures } = this.fanOut.select({ ...candidate, createdAt: found.at }, found.endpoints);
    return { candidate, choice: { subscribers: kept.map(subscriber), filteredOut, acceptedAt: found.at }, failures };
  }

  /**
   * The event-type catalog's checks (schema, archived, known types). A refusal stands only for a new
   * message: a repeat (same id or Idempotency-Key) of one accepted before its type was archived or its
   * schema changed is answered with the stored message, as every repeat is, so a producer retrying never
   * learns that its accepted message was refused.
   */
  private async checkAgainstCatalog(applicationId: string, id: string, dto: CreateMessageDto, idempotencyKey: string | undefined): Promise<void> {
    try {
      await this.catalog.check(dto.eventType, dto.payload);
    } catch (error) {
      const mayRepeat = dto.id !== undefined || idempotencyKey !== undefined;
      if (!(error instanceof RefusedError) || !mayRepeat) throw error;
      const repeated = await this.messages.findRepeat(applicationId, id, idempotencyKey ?? null).catch((readError: unknown) => {
        throw new DependencyUnavailableError('postgres', readError);
      });
      if (!repeated) throw error;
    }
  }

  /**
   * A delivery to an endpoint whose circuit is open waits parked from the start, with its whole schedule
   * left, and gets no workflow run until the circuit workflow runs it (as a probe, or released once the
   * circuit closes) or dead-letters it: a dead endpoint's messages cost its healthy neighbours nothing in
   * Temporal. Not an ordered one, whose stream starts it in turn.
   */
  private parkAtOnce(endpoint: SubscribedEndpoint, orderingKey: string | null): ParkPlan | undefined {
    if (endpoint.circuitOpenedAt === null || this.config.delivery.circuitThreshold === 0 || orderingKey !== null) return undefined;
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
