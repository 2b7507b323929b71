import { Module } from '@nestjs/common';
import { EventTypesModule } from '../event-types/event-types.module';
import { FiltersModule } from '../filters/filters.module';
import { EndpointTestController } from './endpoint-test.controller';
import { EndpointTestService } from './endpoint-test.service';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** Message intake and fan-out to delivery workflows, and test events to one endpoint. */
@Module({ imports: [EventTypesModule, FiltersModule], controllers: [MessagesController, EndpointTestController], providers: [MessagesService, EndpointTestService] })
export class MessagesModule {}
