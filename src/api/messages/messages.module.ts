import { Module } from '@nestjs/common';
import { EventTypesModule } from '../event-types/event-types.module';
import { FiltersModule } from '../filters/filters.module';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** Message intake and fan-out to delivery workflows. */
@Module({ imports: [EventTypesModule, FiltersModule], controllers: [MessagesController], providers: [MessagesService] })
export class MessagesModule {}
