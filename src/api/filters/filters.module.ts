import { Module } from '@nestjs/common';
import { FanOut } from './fan-out';
import { FilterTestController } from './filter-test.controller';
import { FilterTestService } from './filter-test.service';

/** Endpoint filters: applied at fan-out, and tried out on a sample or on recent messages. */
@Module({ controllers: [FilterTestController], providers: [FanOut, FilterTestService], exports: [FanOut] })
export class FiltersModule {}
