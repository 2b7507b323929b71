import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** Prometheus scraping. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {}
