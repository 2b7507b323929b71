import { Module } from '@nestjs/common';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** Headline figures computed from PostgreSQL. */
@Module({ controllers: [StatsController], providers: [StatsService] })
export class StatsModule {}
