import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ActivityLogRepository } from '../../db/activity-log.repository';
import { ApplicationTokensRepository } from '../../db/application-tokens.repository';
import { ApplicationsRepository } from '../../db/applications.repository';
import { DeadLettersRepository } from '../../db/dead-letters.repository';
import { DeliveriesRepository } from '../../db/deliveries.repository';
import { EndpointsRepository } from '../../db/endpoints.repository';
import { EventTypesRepository } from '../../db/event-types.repository';
import { DeliveryMetrics } from '../../metrics/delivery-metrics';
import { MessageBatchesRepository } from '../../db/message-batches.repository';
import { MessagesRepository } from '../../db/messages.repository';
import { StatsRepository } from '../../db/stats.repository';
import { ThrottlesRepository } from '../../db/throttles.repository';
import { DestinationPolicy } from '../../security/destination-policy';
import type { ApiAuth } from '../../security/local-secrets';
import { DeadLetterRetrier } from '../../temporal/dead-letter-retrier';
import { DeadLetterSignals } from '../../temporal/dead-letter-signals';
import { OrderedStreamsRepository } from '../../db/ordered-streams.repository';
import { PortalRepository } from '../../db/portal.repository';
import { OrderedStreamSignals } from '../../temporal/ordered-stream-signals';
import { DeliveryStarter } from '../../temporal/delivery-starter';
import { OutboxRepository } from '../../db/outbox.repository';
import type { Components } from '../../runtime/components';
import type { ShutdownState } from '../../runtime/http-drain';
import { CONFIG, DATABASE, LOGGER, RENDER_METRICS, SHUTDOWN_STATE, TEMPORAL_CLIENT } from './tokens';

/** What the API borrows from its entry point, which builds these and closes them on shutdown. */
export interface ApiDeps {
  /** The process's shared objects (configuration, pool, client, repositories, Temporal helpers). */
  components: Components;
  /** Renders this process's Prometheus exposition (ours and the Temporal SDK's). */
  renderMetrics: () => Promise<string>;
  /** How callers authenticate. */
  auth: ApiAuth;
  /** Set once the process stops (SIGTERM): `/health` then answers 503. @default never stopping */
  shutdown?: ShutdownState;
}

/** Shares configuration, the pool, the Temporal client and the repositories with every feature module. */
@Global()
@Module({})
export class CoreModule {
  /** Binds the entry point's components to their injection tokens. */
  static forRoot(deps: ApiDeps): DynamicModule {
    const { config, db, client, logger, repositories, temporal, destinations, metrics } = deps.components;
    const providers = [
      { provide: CONFIG, useValue: config },
      { provide: DATABASE, useValue: db },
      { provide: TEMPORAL_CLIENT, useValue: client },
      { provide: LOGGER, useValue: logger },
      { provide: RENDER_METRICS, useValue: deps.renderMetrics },
      { provide: SHUTDOWN_STATE, useValue: deps.shutdown ?? { stopping: false } },
      { provide: ApplicationsRepository, useValue: repositories.applications },
      { provide: ApplicationTokensRepository, useValue: repositories.applicationTokens },
      { provide: EndpointsRepository, useValue: repositories.endpoints },
      { provide: MessagesRepository, useValue: repositories.messages },
      { provide: MessageBatchesRepository, useValue: repositories.messageBatches },
      { provide: DeliveriesRepository, useValue: repositories.deliveries },
      { provide: DeadLettersRepository, useValue: repositories.deadLetters },
      { provide: ThrottlesRepository, useValue: repositories.throttles },
      { provide: StatsRepository, useValue: repositories.stats },
      { provide: ActivityLogRepository, useValue: repositories.activityLog },
      { provide: EventTypesRepository, useValue: repositories.eventTypes },
      { provide: DeliveryMetrics, useValue: metrics },
      { provide: OrderedStreamsRepository, useValue: repositories.streams },
      { provide: PortalRepository, useValue: repositories.portal },
      { provide: DestinationPolicy, useValue: destinations },
      { provide: DeliveryStarter, useValue: temporal.starter },
      { provide: DeadLetterSignals, useValue: temporal.deadLetterSignals },
      { provide: DeadLetterRetrier, useValue: temporal.deadLetterRetrier },
      { provide: OrderedStreamSignals, useValue: temporal.streamSignals },
      { provide: OutboxRepository, useValue: repositories.outbox },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
