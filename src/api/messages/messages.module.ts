import { Module } from '@nestjs/common';
import { EndpointTestController } from './endpoint-test.controller';
import { EndpointTestService } from './endpoint-test.service';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** Message intake and fan-out to delivery workflows, and test events to one endpoint. */
@Module({ controllers: [MessagesController, EndpointTestController], providers: [MessagesService, EndpointTestService] })
export class MessagesModule {}
