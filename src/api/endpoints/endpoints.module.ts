import { Module } from '@nestjs/common';
import { EndpointsController } from './endpoints.controller';
import { EventTypesModule } from '../event-types/event-types.module';
import { EndpointsService } from './endpoints.service';

/** Endpoint registration and management. */
@Module({ imports: [EventTypesModule], controllers: [EndpointsController], providers: [EndpointsService], exports: [EndpointsService] })
export class EndpointsModule {}
