import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OwnedResource } from '../auth/access.decorators';
import { EXAMPLE } from '../common/examples';
import { ApiErrors, ApiIdParam, ApiTokenRequired, notFoundOrNotOwned } from '../common/openapi';
import { DeliveriesService } from './deliveries.service';
import { DeliveryView } from './delivery.view';

export type { DeliveryView } from './delivery.view';

/** `/v1/deliveries`: one message to one endpoint, attempt by attempt. */
@ApiTags('deliveries')
@ApiTokenRequired()
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get(':id')
  @OwnedResource('delivery')
  @ApiOperation({ summary: 'A delivery, its status (pending, succeeded, dead_lettered) and its attempts.' })
  @ApiIdParam('The delivery id.', EXAMPLE.deliveryId)
  @ApiOkResponse({ type: DeliveryView, description: 'The delivery and every attempt.' })
  @ApiErrors(notFoundOrNotOwned('delivery', EXAMPLE.deliveryId))
  get(@Param('id') id: string): Promise<DeliveryView> {
    return this.deliveries.get(id);
  }
}
