import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** Liveness of the API's dependencies. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
