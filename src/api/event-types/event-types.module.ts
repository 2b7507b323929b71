import { Module } from '@nestjs/common';
import { EventCatalog } from './event-catalog';
import { EventTypesController } from './event-types.controller';
import { EventTypesService } from './event-types.service';

/** The event-type catalog, and the checks messages and subscriptions get from it. */
@Module({ controllers: [EventTypesController], providers: [EventTypesService, EventCatalog], exports: [EventCatalog] })
export class EventTypesModule {}
