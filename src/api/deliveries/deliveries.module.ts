import { Module } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesService } from './deliveries.service';
import { EndpointDeliveriesController } from './endpoint-deliveries.controller';

/** Delivery inspection: one delivery by id, an endpoint's delivery log. */
@Module({ controllers: [DeliveriesController, EndpointDeliveriesController], providers: [DeliveriesService] })
export class DeliveriesModule {}
