import { Module } from '@nestjs/common';
import { ApplicationTokensModule } from '../tokens/application-tokens.module';
import { PortalChartsController } from './portal-charts.controller';
import { PortalSessionController } from './portal-session.controller';
import { PortalController } from './portal.controller';
import { PortalService } from './portal.service';

/** The portal's own routes: magic links (operator), the session the page reads (any token), charts and pickers. */
@Module({ imports: [ApplicationTokensModule], controllers: [PortalController, PortalSessionController, PortalChartsController], providers: [PortalService] })
export class PortalModule {}
