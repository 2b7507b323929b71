import { Module } from '@nestjs/common';
import { OrderingController } from './ordering.controller';

/** Ordered delivery: the state of each endpoint's ordered streams. */
@Module({ controllers: [OrderingController] })
export class OrderingModule {}
