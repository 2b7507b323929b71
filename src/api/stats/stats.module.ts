import { Module } from '@nestjs/common';
import { ApplicationStatsController } from './application-stats.controller';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** Headline figures computed from PostgreSQL, of every application or of one. */
@Module({ controllers: [StatsController, ApplicationStatsController], providers: [StatsService] })
export class StatsModule {}
