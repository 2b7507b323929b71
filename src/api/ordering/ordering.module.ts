import { Module } from '@nestjs/common';
import { EndpointsModule } from '../endpoints/endpoints.module';
import { OrderingController } from './ordering.controller';
import { OrderingService } from './ordering.service';

/** Ordered delivery: the state of each endpoint's ordered streams. */
@Module({ imports: [EndpointsModule], controllers: [OrderingController], providers: [OrderingService] })
export class OrderingModule {}
