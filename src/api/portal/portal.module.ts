import { Module } from '@nestjs/common';
import { ApplicationTokensModule } from '../tokens/application-tokens.module';
import { PortalSessionController } from './portal-session.controller';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

/** The portal's own routes: magic links (operator) and the session the page reads (any token). */
@Module({ imports: [ApplicationTokensModule], controllers: [PortalController, PortalSessionController], providers: [PortalService] })
export class PortalModule {}
