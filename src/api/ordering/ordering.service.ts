import { Injectable } from '@nestjs/common';
import { OrderedStreamsRepository } from '../../db/ordered-streams.repository';
import { NotFoundError } from '../../domain/errors';
import { EndpointsService } from '../endpoints/endpoints.service';
import { toOrderingKeyView, type OrderingKeyView } from './ordering-key.view';

// Enough for an operator's screen; a flood of blocked keys is better read from the dead-letter list.
const BLOCKED_PAGE = 250;

/** Where an endpoint's ordered streams stand. */
@Injectable()
export class OrderingService {
  constructor(
    private readonly streams: OrderedStreamsRepository,
    private readonly endpoints: EndpointsService,
  ) {}

  /** The keys held by a dead letter, longest blocked first; NotFoundError for an unknown endpoint. */
  async blocked(applicationId: string, endpointId: string): Promise<OrderingKeyView[]> {
    await this.endpoints.get(applicationId, endpointId); // 404 endpoint_not_found rather than an empty list
    return (await this.streams.blocked(endpointId, BLOCKED_PAGE)).map(toOrderingKeyView);
  }

  /** Where one key stands; NotFoundError for an unknown endpoint or key. */
  async one(applicationId: string, endpointId: string, key: string): Promise<OrderingKeyView> {
    await this.endpoints.get(applicationId, endpointId); // tells an unknown endpoint from an unknown key
    const state = await this.streams.state({ endpointId, orderingKey: key });
    if (!state) throw new NotFoundError('ordering_key', key);
    return toOrderingKeyView(state);
  }
}
