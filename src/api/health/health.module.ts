import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/** Liveness of the API's dependencies. */
@Module({ controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
