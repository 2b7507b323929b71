import { Inject, Injectable } from '@nestjs/common';
import type { HookwayConfig, RetryPolicySettings } from '../../config';
import { EndpointsRepository, type EndpointChanges, type EndpointRecord } from '../../db/endpoints.repository';
import { OrderedStreamsRepository } from '../../db/ordered-streams.repository';
import { OrderedStreamSignals } from '../../temporal/ordered-stream-signals';
import { ThrottlesRepository } from '../../db/throttles.repository';
import { InvalidFieldError, NotFoundError } from '../../domain/errors';
import { DestinationPolicy } from '../../security/destination-policy';
import { newId, newSigningSecret } from '../../domain/ids';
import { CONFIG } from '../core/tokens';
import { EventCatalog } from '../event-types/event-catalog';
import { compileFilterField } from '../filters/fan-out';
import type { CreateEndpointDto } from './dto/create-endpoint.dto';
import type { RetryPolicyDto } from './dto/retry-policy.dto';
import type { UpdateEndpointDto } from './dto/update-endpoint.dto';

function mergeRetryPolicy(base: RetryPolicySettings, changes: RetryPolicyDto | undefined): RetryPolicySettings {
  const merged = { ...base, ...Object.fromEntries(Object.entries(changes ?? {}).filter(([, v]) => v !== undefined)) };
  if (merged.maxIntervalMs < merged.initialIntervalMs) {
    throw new InvalidFieldError('retryPolicy.maxIntervalMs', 'retryPolicy.maxIntervalMs must not be below retryPolicy.initialIntervalMs');
  }
  return merged;
}

// Header names are case-insensitive on the wire; storing them lower-case keeps one value per name.
function normaliseHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Registers, changes and removes endpoints. */
@Injectable()
export class EndpointsService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly throttles: ThrottlesRepository,
    private readonly destinations: DestinationPolicy,
    @Inject(CONFIG) private readonly config: HookwayConfig,
    private readonly streams: OrderedStreamsRepository,
    private readonly streamSignals: OrderedStreamSignals,
    private readonly catalog: EventCatalog,
  ) {}

  private async assertDeliverable(url: string): Promise<void> {
    const refusal = await this.destinations.urlRefusal(url);
    if (refusal) throw new InvalidFieldError('url', `url is not allowed: ${refusal}`);
  }

  /** Stores a new endpoint of the application, with defaults filled in. */
  async create(applicationId: string, dto: CreateEndpointDto): Promise<EndpointRecord> {
    await this.assertDeliverable(dto.url);
    if (dto.filter !== undefined) compileFilterField(dto.filter);
    await this.catalog.checkSubscribable(dto.eventTypes);
    const created = await this.endpoints.insert({
      id: newId('ep'),
      applicationId,
      url: dto.url,
      description: dto.description ?? '',
      eventTypes: dto.eventTypes ? [...new Set(dto.eventTypes)] : null,
      filter: dto.filter ?? null,
      secret: dto.secret ?? newSigningSecret(),
      headers: normaliseHeaders(dto.headers),
      retryPolicy: mergeRetryPolicy(this.config.delivery.defaultRetryPolicy, dto.retryPolicy),
      timeoutMs: dto.timeoutMs ?? this.config.delivery.defaultTimeoutMs,
      autoRecover: dto.autoRecover ?? true,
      rateLimitPerSecond: dto.rateLimitPerSecond ?? null,
      orderingFailureMode: dto.orderingFailureMode ?? 'hold',
    });
    // The application was deleted since the path named it.
    if (!created) throw new NotFoundError('application', applicationId);
    return created;
  }

  /** The application's live endpoints, a page at a time. */
  list(applicationId: string, limit: number, after?: string): Promise<EndpointRecord[]> {
    return this.endpoints.list(applicationId, limit, after);
  }

  /** The application's endpoint, or NotFoundError (also when it is another application's). */
  async get(applicationId: string, id: string): Promise<EndpointRecord> {
    const endpoint = await this.endpoints.findById(id, { applicationId });
    if (!endpoint) throw new NotFoundError('endpoint', id);
    return endpoint;
  }

  /** Applies the given fields; a partial `retryPolicy` changes only the fields it names. */
  async update(applicationId: string, id: string, dto: UpdateEndpointDto): Promise<EndpointRecord> {
    const current = await this.get(applicationId, id);
    if (dto.url !== undefined) await this.assertDeliverable(dto.url);
    if (typeof dto.filter === 'string') compileFilterField(dto.filter);
    // Only newly named types: keeping a subscription to a type archived since is no new subscription.
    if (dto.eventTypes) await this.catalog.checkSubscribable(dto.eventTypes.filter((t) => !(current.eventTypes ?? []).includes(t)));
    const changes: EndpointChanges = {};
    if (dto.url !== undefined) changes.url = dto.url;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.eventTypes !== undefined) changes.eventTypes = dto.eventTypes === null ? null : [...new Set(dto.eventTypes)];
    if (dto.filter !== undefined) changes.filter = dto.filter;
    if (dto.secret !== undefined) changes.secret = dto.secret;
    if (dto.headers !== undefined) changes.headers = normaliseHeaders(dto.headers);
    if (dto.retryPolicy !== undefined) changes.retryPolicy = mergeRetryPolicy(current.retryPolicy, dto.retryPolicy);
    if (dto.timeoutMs !== undefined) changes.timeoutMs = dto.timeoutMs;
    if (dto.autoRecover !== undefined) changes.autoRecover = dto.autoRecover;
    if (dto.rateLimitPerSecond !== undefined) changes.rateLimitPerSecond = dto.rateLimitPerSecond;
    if (dto.orderingFailureMode !== undefined) changes.orderingFailureMode = dto.orderingFailureMode;
    if (dto.disabled !== undefined) {
      changes.disabled = dto.disabled;
      changes.disabledReason = dto.disabled ? 'manual' : null;
    }
    // A new limit starts a fresh pace (including after 429 slow-downs), so it applies from the next request.
    if (changes.rateLimitPerSecond !== undefined) await this.throttles.reset(id);
    const updated = await this.endpoints.update(id, changes);
    if (!updated) throw new NotFoundError('endpoint', id);
    // Streams held by a dead letter move on at once when the endpoint now skips them.
    if (changes.orderingFailureMode === 'skip' && current.orderingFailureMode === 'hold') {
      const released = await this.streams.releaseHeld(id);
      await Promise.all(released.map((stream) => this.streamSignals.wake(stream)));
    }
    return updated;
  }

  /** Gives the endpoint a new secret; the old one keeps signing beside it for the rotation overlap. */
  async rotateSecret(applicationId: string, id: string): Promise<EndpointRecord> {
    await this.get(applicationId, id);
    const rotated = await this.endpoints.rotateSecret(id, newSigningSecret(), this.config.security.secretRotationOverlapMs);
    if (!rotated) throw new NotFoundError('endpoint', id);
    return rotated;
  }

  /** Removes the endpoint; its past deliveries stay inspectable. */
  async remove(applicationId: string, id: string): Promise<void> {
    await this.get(applicationId, id);
    if (!(await this.endpoints.softDelete(id))) throw new NotFoundError('endpoint', id);
  }
}
