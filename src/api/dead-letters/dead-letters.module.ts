import { Module } from '@nestjs/common';
import { ApplicationDeadLettersController } from './application-dead-letters.controller';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

/** The dead-letter queue as operators see and work it. */
@Module({ controllers: [ApplicationDeadLettersController, DeadLettersController], providers: [DeadLettersService] })
export class DeadLettersModule {}
