import { Inject, Injectable } from '@nestjs/common';
import type { SubscribedEndpoint } from '../../db/endpoints.repository';
import { InvalidFieldError } from '../../domain/errors';
import { CelFilter, FilterSyntaxError, type FilterInput, type FilterVerdict } from '../../domain/filters/cel-filter';
import type { Logger } from '../../logging/logger';
import { DeliveryMetrics } from '../../metrics/delivery-metrics';
import { LOGGER } from '../core/tokens';

/** Endpoints whose compiled filter is kept; past this the longest-kept one is dropped (compiled again when next needed). */
const CACHE_LIMIT = 10_000;
/** One warning per endpoint per this period about its filter failing on messages; the counter counts every one. */
const LOG_EVERY_MS = 60_000;

/**
 * Compiles a filter for an endpoint write.
 * @throws InvalidFieldError naming `filter`, with the column of the problem.
 */
export function compileFilterField(source: string): CelFilter {
  try {
    return CelFilter.compile(source);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new InvalidFieldError('filter', error.message);
    throw error;
  }
}

/** The message a fan-out decides about. */
export interface FanOutMessage {
  applicationId: string;
  eventType: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** A filter that failed on a message (a missing field, a wrong type), counting as not matching. */
export interface FilterFailure {
  endpoint: SubscribedEndpoint;
  reason: string;
}

/**
 * Applies endpoint filters at fan-out. Compiled programs are cached per endpoint (with the text they came from), so a
 * thousand filtered endpoints cost a thousand evaluations per message, not a thousand compilations. A
 * filter that fails on a message (a missing field, a wrong type) is false for it; once the message is
 * stored as new (a repeat is not counted again), it is counted in `hookway_filter_errors_total` and
 * logged at most once a minute per endpoint.
 */
@Injectable()
export class FanOut {
  // Per endpoint, its filter's text and program: a changed filter replaces the entry, never adds one.
  private readonly programs = new Map<string, { source: string; program: CelFilter | FilterSyntaxError }>();
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly metrics: DeliveryMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * The endpoints among `subscribers` whose filter lets the message through, how many it did not reach, and
   * the filters that failed on it, for {@link reportFailures} once it is stored.
   */
  select<E extends SubscribedEndpoint>(message: FanOutMessage, subscribers: E[]): { kept: E[]; filteredOut: number; failures: FilterFailure[] } {
    const input: FilterInput = { type: message.eventType, data: message.payload, timestamp: message.createdAt };
    const failures: FilterFailure[] = [];
    const kept = subscribers.filter((endpoint) => {
      if (endpoint.filter === null) return true;
      const verdict = this.evaluate(endpoint.id, endpoint.filter, input);
      if (verdict.error !== undefined) failures.push({ endpoint, reason: verdict.error });
      return verdict.matches;
    });
    return { kept, filteredOut: subscribers.length - kept.length, failures };
  }

  /** Counts each failure of {@link select} on a message now stored, and logs it at most once a minute per endpoint. */
  reportFailures(message: Pick<FanOutMessage, 'applicationId' | 'eventType'>, failures: FilterFailure[]): void {
    for (const { endpoint, reason } of failures) this.failed(endpoint, message, reason);
  }

  /** The filter's verdict on one message, from the cached program of this endpoint and text. */
  evaluate(endpointId: string, source: string, input: FilterInput): FilterVerdict {
    let program = this.programs.get(endpointId)?.source === source ? this.programs.get(endpointId)?.program : undefined;
    if (program === undefined) {
      try {
        program = CelFilter.compile(source);
      } catch (error) {
        // Stored filters compiled when written; one that no longer does (a newer, stricter checker) matches nothing.
        program = error instanceof FilterSyntaxError ? error : new FilterSyntaxError(String(error), 1);
      }
      this.programs.delete(endpointId);
      if (this.programs.size >= CACHE_LIMIT) this.programs.delete(this.programs.keys().next().value as string);
      this.programs.set(endpointId, { source, program });
    }
    return program instanceof CelFilter ? program.evaluate(input) : { matches: false, error: program.message };
  }

  private failed(endpoint: SubscribedEndpoint, message: Pick<FanOutMessage, 'applicationId' | 'eventType'>, reason: string): void {
    this.metrics.filterFailed(message.applicationId);
    const now = Date.now();
    if (now - (this.lastLogged.get(endpoint.id) ?? 0) < LOG_EVERY_MS) return;
    if (this.lastLogged.size >= CACHE_LIMIT) this.lastLogged.clear();
    this.lastLogged.set(endpoint.id, now);
    this.logger.warn({ endpointId: endpoint.id, applicationId: message.applicationId, eventType: message.eventType, reason }, 'endpoint filter failed on a message; counted as not matching');
  }
}
