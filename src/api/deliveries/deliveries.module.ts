import { Module } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';

/** Delivery inspection. */
@Module({ controllers: [DeliveriesController] })
export class DeliveriesModule {}
