import { Injectable } from '@nestjs/common';
import { EndpointsRepository } from '../../db/endpoints.repository';
import { MessagesRepository } from '../../db/messages.repository';
import { InvalidFieldError, NotFoundError } from '../../domain/errors';
import type { FilterInput, FilterVerdict } from '../../domain/filters/cel-filter';
import { subscriptionMatches } from '../../domain/filters/event-type-match';
import type { TestFilterDto } from './dto/test-filter.dto';
import { compileFilterField } from './fan-out';
import type { FilterTestView } from './filter-test.view';

/** How many of the application's newest messages a filter is tried on. */
export const RECENT_MESSAGES = 100;

/** Tries a filter on a sample message, or on the application's recent ones, without delivering anything. */
@Injectable()
export class FilterTestService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly messages: MessagesRepository,
  ) {}

  async test(applicationId: string, endpointId: string, dto: TestFilterDto): Promise<FilterTestView> {
    const endpoint = await this.endpoints.findById(endpointId, { applicationId });
    if (!endpoint) throw new NotFoundError('endpoint', endpointId);
    const source = dto.filter ?? endpoint.filter;
    const filter = source === null ? undefined : compileFilterField(source);
    // Without a filter every message of a subscribed type matches.
    const verdictOn = (input: FilterInput): FilterVerdict => filter?.evaluate(input) ?? { matches: true };
    if ((dto.eventType === undefined) !== (dto.payload === undefined)) {
      const missing = dto.eventType === undefined ? 'eventType' : 'payload';
      throw new InvalidFieldError(missing, `${missing} is needed with ${missing === 'eventType' ? 'payload' : 'eventType'}: give both to try a sample, or neither to try recent messages`);
    }
    if (dto.eventType !== undefined && dto.payload !== undefined) {
      const eventTypeMatches = subscriptionMatches(endpoint.eventTypes, dto.eventType);
      const verdict = verdictOn({ type: dto.eventType, data: dto.payload, timestamp: new Date() });
      return { matches: eventTypeMatches && verdict.matches, eventTypeMatches, filterMatches: verdict.matches, ...(verdict.error === undefined ? {} : { filterError: verdict.error }) };
    }
    const recent = await this.messages.recent(applicationId, RECENT_MESSAGES);
    let matched = 0;
    let errors = 0;
    for (const message of recent) {
      if (!subscriptionMatches(endpoint.eventTypes, message.eventType)) continue;
      const verdict = verdictOn({ type: message.eventType, data: message.payload, timestamp: message.createdAt });
      if (verdict.matches) matched++;
      if (verdict.error !== undefined) errors++;
    }
    return { matched, total: recent.length, errors };
  }
}
