import { Module, type DynamicModule } from '@nestjs/common';
import { ApplicationsModule } from './applications/applications.module';
import { AuthModule } from './auth/auth.module';
import { CoreModule, type ApiDeps } from './core/core.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { EndpointsModule } from './endpoints/endpoints.module';
import { HealthModule } from './health/health.module';
import { MessagesModule } from './messages/messages.module';
import { MetricsModule } from './metrics/metrics.module';
import { OrderingModule } from './ordering/ordering.module';
import { PortalModule } from './portal/portal.module';
import { StatsModule } from './stats/stats.module';
import { ApplicationTokensModule } from './tokens/application-tokens.module';

/** The whole HTTP API. */
@Module({})
export class AppModule {
  /** Builds the API around resources its entry point owns. */
  static forRoot(deps: ApiDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(deps), AuthModule, ApplicationsModule, ApplicationTokensModule, EndpointsModule, MessagesModule, DeliveriesModule, DeadLettersModule, HealthModule, MetricsModule, StatsModule, OrderingModule, PortalModule],
    };
  }
}
