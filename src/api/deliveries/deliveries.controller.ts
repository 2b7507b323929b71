import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DeliveriesService } from './deliveries.service';
import type { DeliveryView } from './delivery.view';

export type { DeliveryView } from './delivery.view';

/** `/v1/deliveries`: one message to one endpoint, attempt by attempt. */
@ApiTags('deliveries')
@ApiBearerAuth()
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get(':id')
  @ApiOperation({ summary: 'A delivery, its status (pending, succeeded, dead_lettered) and its attempts.' })
  get(@Param('id') id: string): Promise<DeliveryView> {
    return this.deliveries.get(id);
  }
}
