import { Module } from '@nestjs/common';
import { ApplicationTokensController } from './application-tokens.controller';
import { ApplicationTokensService } from './application-tokens.service';

/** Application tokens: issued, listed and revoked by the operator. */
@Module({ controllers: [ApplicationTokensController], providers: [ApplicationTokensService], exports: [ApplicationTokensService] })
export class ApplicationTokensModule {}
