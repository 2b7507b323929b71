import { Module } from '@nestjs/common';
import { EndpointsController } from './endpoints.controller';
import { EndpointsService } from './endpoints.service';

/** Endpoint registration and management. */
@Module({ controllers: [EndpointsController], providers: [EndpointsService], exports: [EndpointsService] })
export class EndpointsModule {}
