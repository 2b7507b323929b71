import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import type { EndpointRecord } from '../../db/endpoints.repository';
import { InvalidFieldError } from '../../domain/errors';
import { CelFilter, FilterSyntaxError, type FilterInput, type FilterVerdict } from '../../domain/filters/cel-filter';
import type { Logger } from '../../logging/logger';
import { BoundedLabelValues } from '../../metrics/bounded-labels';
import { DeliveryMetrics } from '../../metrics/delivery-metrics';
import { LOGGER } from '../core/tokens';

/** Compiled filters kept; past this the cache starts afresh (one compile per endpoint again). */
const CACHE_LIMIT = 20_000;
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

/**
 * Applies endpoint filters at fan-out. Compiled programs are cached per endpoint and filter text, so a
 * thousand filtered endpoints cost a thousand evaluations per message, not a thousand compilations. A
 * filter that fails on a message (a missing field, a wrong type) is false for it, counted in
 * `hookway_filter_errors_total` and logged at most once a minute per endpoint.
 */
@Injectable()
export class FanOut {
  private readonly programs = new Map<string, CelFilter | FilterSyntaxError>();
  private readonly lastLogged = new Map<string, number>();
  private readonly errors: Counter;
  private readonly applications = new BoundedLabelValues(50);

  constructor(
    metrics: DeliveryMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const name = 'hookway_filter_errors_total';
    this.errors =
      (metrics.registry.getSingleMetric(name) as Counter | undefined) ??
      new Counter({
        name,
        help: 'Messages an endpoint filter failed on (a missing field, a wrong type): counted as not matching, so not delivered to that endpoint.',
        labelNames: ['application_id'],
        registers: [metrics.registry],
      });
  }

  /** The endpoints among `subscribers` whose filter lets the message through, and how many it did not reach. */
  select(message: FanOutMessage, subscribers: EndpointRecord[]): { kept: EndpointRecord[]; filteredOut: number } {
    const input: FilterInput = { type: message.eventType, data: message.payload, timestamp: message.createdAt };
    const kept = subscribers.filter((endpoint) => {
      if (endpoint.filter === null) return true;
      const verdict = this.evaluate(endpoint.id, endpoint.filter, input);
      if (verdict.error !== undefined) this.failed(endpoint, message, verdict.error);
      return verdict.matches;
    });
    return { kept, filteredOut: subscribers.length - kept.length };
  }

  /** The filter's verdict on one message, from the cached program of this endpoint and text. */
  evaluate(endpointId: string, source: string, input: FilterInput): FilterVerdict {
    const key = `${endpointId}\n${source}`;
    let program = this.programs.get(key);
    if (program === undefined) {
      if (this.programs.size >= CACHE_LIMIT) this.programs.clear();
      try {
        program = CelFilter.compile(source);
      } catch (error) {
        // Stored filters compiled when written; one that no longer does (a newer, stricter checker) matches nothing.
        program = error instanceof FilterSyntaxError ? error : new FilterSyntaxError(String(error), 1);
      }
      this.programs.set(key, program);
    }
    return program instanceof CelFilter ? program.evaluate(input) : { matches: false, error: program.message };
  }

  private failed(endpoint: EndpointRecord, message: FanOutMessage, reason: string): void {
    this.errors.inc({ application_id: this.applications.value(message.applicationId) });
    const now = Date.now();
    if (now - (this.lastLogged.get(endpoint.id) ?? 0) < LOG_EVERY_MS) return;
    if (this.lastLogged.size >= CACHE_LIMIT) this.lastLogged.clear();
    this.lastLogged.set(endpoint.id, now);
    this.logger.warn({ endpointId: endpoint.id, applicationId: message.applicationId, eventType: message.eventType, reason }, 'endpoint filter failed on a message; counted as not matching');
  }
}
