import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';

/** Headline figures computed from PostgreSQL. */
@Module({ controllers: [StatsController] })
export class StatsModule {}
