import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { HookwayConfig } from '../../config';
import { DeadLettersRepository } from '../../db/dead-letters.repository';
import type { Database } from '../../db/database';
import { DeliveriesRepository } from '../../db/deliveries.repository';
import { EndpointsRepository } from '../../db/endpoints.repository';
import { MessagesRepository } from '../../db/messages.repository';
import { StatsRepository } from '../../db/stats.repository';
import { ThrottlesRepository } from '../../db/throttles.repository';
import type { Logger } from '../../logging/logger';
import { DestinationPolicy } from '../../security/destination-policy';
import type { ApiAuth } from '../../security/local-secrets';
import type { SecretBox } from '../../security/secret-box';
import { DeadLetterRetrier } from '../../temporal/dead-letter-retrier';
import { DeadLetterSignals } from '../../temporal/dead-letter-signals';
import { OrderedStreamsRepository } from '../../db/ordered-streams.repository';
import { OrderedStreamSignals } from '../../temporal/ordered-stream-signals';
import { DeliveryStarter } from '../../temporal/delivery-starter';
import type { ShutdownState } from '../../runtime/http-drain';
import { CONFIG, DATABASE, LOGGER, RENDER_METRICS, SHUTDOWN_STATE, TEMPORAL_CLIENT } from './tokens';

/** What the API borrows from its entry point, which creates these and closes them on shutdown. */
export interface ApiDeps {
  config: HookwayConfig;
  db: Database;
  client: Client;
  logger: Logger;
  /** Renders this process's Prometheus exposition (ours and the Temporal SDK's). */
  renderMetrics: () => Promise<string>;
  /** How callers authenticate. */
  auth: ApiAuth;
  /** Encrypts endpoint secrets and headers at rest. */
  secretBox: SecretBox;
  /** Set once the process stops (SIGTERM): `/health` then answers 503. @default never stopping */
  shutdown?: ShutdownState;
}

/** Shares configuration, the pool, the Temporal client and the repositories with every feature module. */
@Global()
@Module({})
export class CoreModule {
  /** Binds the entry point's resources to their injection tokens. */
  static forRoot(deps: ApiDeps): DynamicModule {
    const repositories = {
      endpoints: new EndpointsRepository(deps.db, deps.secretBox),
      messages: new MessagesRepository(deps.db),
      deliveries: new DeliveriesRepository(deps.db),
      deadLetters: new DeadLettersRepository(deps.db),
    };
    const starter = new DeliveryStarter(deps.client, deps.config.taskQueue);
    const signals = new DeadLetterSignals(deps.client, deps.config);
    const providers = [
      { provide: CONFIG, useValue: deps.config },
      { provide: DATABASE, useValue: deps.db },
      { provide: TEMPORAL_CLIENT, useValue: deps.client },
      { provide: LOGGER, useValue: deps.logger },
      { provide: RENDER_METRICS, useValue: deps.renderMetrics },
      { provide: SHUTDOWN_STATE, useValue: deps.shutdown ?? { stopping: false } },
      { provide: EndpointsRepository, useValue: repositories.endpoints },
      { provide: MessagesRepository, useValue: repositories.messages },
      { provide: DeliveriesRepository, useValue: repositories.deliveries },
      { provide: DeadLettersRepository, useValue: repositories.deadLetters },
      { provide: ThrottlesRepository, useValue: new ThrottlesRepository(deps.db) },
      { provide: StatsRepository, useValue: new StatsRepository(deps.db) },
      { provide: DestinationPolicy, useValue: new DestinationPolicy(deps.config) },
      { provide: DeliveryStarter, useValue: starter },
      { provide: DeadLetterSignals, useValue: signals },
      { provide: DeadLetterRetrier, useValue: new DeadLetterRetrier(repositories, starter, signals) },
      { provide: OrderedStreamsRepository, useValue: new OrderedStreamsRepository(deps.db) },
      { provide: OrderedStreamSignals, useValue: new OrderedStreamSignals(deps.client, deps.config.taskQueue) },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
