import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EXAMPLE } from '../common/examples';
import { ApplicationPipe } from '../applications/application.pipe';
import { ApiApplicationScoped, ApiErrors, ApiIdParam, ApiTokenRequired, notFound } from '../common/openapi';
import { BlockedKeysView, OrderingKeyView } from './ordering-key.view';
import { OrderingService } from './ordering.service';

/** `/v1/applications/:app/endpoints/:id/ordering-keys`: where each ordered stream of an endpoint stands. */
@ApiTags('ordering')
@ApiTokenRequired()
@ApiApplicationScoped()
@Controller('v1/applications/:app/endpoints/:id')
export class OrderingController {
  constructor(private readonly ordering: OrderingService) {}

  @Get('blocked-keys')
  @ApiOperation({ summary: 'Ordering keys held by a dead letter (hold mode), longest blocked first, and what holds each.' })
  @ApiIdParam('The endpoint id.', EXAMPLE.endpointId)
  @ApiOkResponse({ type: BlockedKeysView, description: 'The blocked keys (at most 250).' })
  @ApiErrors(notFound('endpoint', EXAMPLE.endpointId))
  async blocked(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string): Promise<BlockedKeysView> {
    return { items: await this.ordering.blocked(applicationId, id) };
  }

  @Get('ordering-keys/:key')
  @ApiOperation({ summary: 'Where one ordering key stands: idle, delivering which message, or blocked by which dead letter.' })
  @ApiIdParam('The endpoint id.', EXAMPLE.endpointId)
  @ApiIdParam('The ordering key.', EXAMPLE.orderingKey, 'key')
  @ApiOkResponse({ type: OrderingKeyView, description: "The key's stream on this endpoint." })
  @ApiErrors(
    notFound('endpoint', EXAMPLE.endpointId),
    { ...notFound('ordering_key', EXAMPLE.orderingKey), description: '`ordering_key_not_found`: the endpoint never got a message with this key.' },
  )
  one(@Param('app', ApplicationPipe) applicationId: string, @Param('id') id: string, @Param('key') key: string): Promise<OrderingKeyView> {
    return this.ordering.one(applicationId, id, key);
  }
}
