import { Module } from '@nestjs/common';
import { DeadLettersController } from './dead-letters.controller';

/** The dead-letter queue as operators see it. */
@Module({ controllers: [DeadLettersController] })
export class DeadLettersModule {}
