import { Module } from '@nestjs/common';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** Message intake and fan-out to delivery workflows. */
@Module({ controllers: [MessagesController], providers: [MessagesService] })
export class MessagesModule {}
