import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrderedStreamsRepository } from '../../db/ordered-streams.repository';
import { NotFoundError } from '../../domain/errors';
import { EndpointsService } from '../endpoints/endpoints.service';
import { toOrderingKeyView, type OrderingKeyView } from './ordering-key.view';

// Enough for an operator's screen; a flood of blocked keys is better read from the dead-letter list.
const BLOCKED_PAGE = 250;

/** `/v1/endpoints/:id/ordering-keys`: where each ordered stream of an endpoint stands. */
@ApiTags('ordering')
@ApiBearerAuth()
@Controller('v1/endpoints/:id')
export class OrderingController {
  constructor(
    private readonly streams: OrderedStreamsRepository,
    private readonly endpoints: EndpointsService,
  ) {}

  @Get('blocked-keys')
  @ApiOperation({ summary: 'Ordering keys held by a dead letter (hold mode), longest blocked first, and what holds each.' })
  async blocked(@Param('id') id: string): Promise<{ items: OrderingKeyView[] }> {
    await this.endpoints.get(id); // 404 endpoint_not_found rather than an empty list
    return { items: (await this.streams.blocked(id, BLOCKED_PAGE)).map(toOrderingKeyView) };
  }

  @Get('ordering-keys/:key')
  @ApiOperation({ summary: 'Where one ordering key stands: idle, delivering which message, or blocked by which dead letter.' })
  async one(@Param('id') id: string, @Param('key') key: string): Promise<OrderingKeyView> {
    await this.endpoints.get(id); // tells an unknown endpoint from an unknown key
    const state = await this.streams.state({ endpointId: id, orderingKey: key });
    if (!state) throw new NotFoundError('ordering_key', key);
    return toOrderingKeyView(state);
  }
}
