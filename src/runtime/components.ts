import type { Client } from '@temporalio/client';
import type { HookwayConfig } from '../config';
import { ActivityLogRepository } from '../db/activity-log.repository';
import { ApplicationTokensRepository } from '../db/application-tokens.repository';
import { ApplicationsRepository } from '../db/applications.repository';
import { CircuitsRepository } from '../db/circuits.repository';
import type { Database } from '../db/database';
import { DeadLettersRepository } from '../db/dead-letters.repository';
import { DeliveriesRepository } from '../db/deliveries.repository';
import { EndpointsRepository } from '../db/endpoints.repository';
import { EventTypesRepository } from '../db/event-types.repository';
import { MessageBatchesRepository } from '../db/message-batches.repository';
import { MessagesRepository } from '../db/messages.repository';
import { OrderedStreamsRepository } from '../db/ordered-streams.repository';
import { OutboxRepository } from '../db/outbox.repository';
import { PortalRepository } from '../db/portal.repository';
import { RetentionRepository } from '../db/retention.repository';
import { StatsRepository } from '../db/stats.repository';
import { ThrottlesRepository } from '../db/throttles.repository';
import type { Logger } from '../logging/logger';
import type { DeliveryMetrics } from '../metrics/delivery-metrics';
import { DestinationPolicy } from '../security/destination-policy';
import type { SecretBox } from '../security/secret-box';
import { CircuitSignals } from '../temporal/circuit-signals';
import { CircuitStepper } from '../temporal/circuit-stepper';
import { DeadLetterRetrier } from '../temporal/dead-letter-retrier';
import { DeadLetterSignals } from '../temporal/dead-letter-signals';
import { DeliveryStarter } from '../temporal/delivery-starter';
import { OrderedStreamAdvancer } from '../temporal/ordered-stream-advancer';
import { OrderedStreamSignals } from '../temporal/ordered-stream-signals';
import { OUTBOX_SETTINGS, OutboxStarter } from '../temporal/outbox-starter';
import { StartGate, workflowTaskBacklog } from '../temporal/start-gate';

/** What a Hookway process opens before anything is built: its configuration, pool, client and keys. */
export interface Foundations {
  config: HookwayConfig;
  db: Database;
  client: Client;
  logger: Logger;
  secretBox: SecretBox;
  metrics: DeliveryMetrics;
  /** Whether delivery workflows are started eagerly: only a client sharing its worker's native connection can. @default false */
  eagerStart?: boolean;
  /**
   * Whether this process runs a worker, whose outbox starter every accepting commit wakes. Without one,
   * the starter leaves rows to the workers for a poll interval before taking them. @default true
   */
  runsWorker?: boolean;
}

/** The repositories over one pool. */
export interface Repositories {
  applications: ApplicationsRepository;
  applicationTokens: ApplicationTokensRepository;
  endpoints: EndpointsRepository;
  messages: MessagesRepository;
  messageBatches: MessageBatchesRepository;
  deliveries: DeliveriesRepository;
  deadLetters: DeadLettersRepository;
  throttles: ThrottlesRepository;
  stats: StatsRepository;
  streams: OrderedStreamsRepository;
  circuits: CircuitsRepository;
  retention: RetentionRepository;
  activityLog: ActivityLogRepository;
  portal: PortalRepository;
  eventTypes: EventTypesRepository;
  outbox: OutboxRepository;
}

/** What talks to Temporal on behalf of the API, the activities and the orphan sweep. */
export interface TemporalParts {
  starter: DeliveryStarter;
  deadLetterSignals: DeadLetterSignals;
  deadLetterRetrier: DeadLetterRetrier;
  streamSignals: OrderedStreamSignals;
  streamAdvancer: OrderedStreamAdvancer;
  circuitSignals: CircuitSignals;
  circuitStepper: CircuitStepper;
  /** Starts accepted deliveries from the outbox; the process that owns the components starts and stops it. */
  outboxStarter: OutboxStarter;
}

/** Every shared object of a Hookway process, whatever roles it runs: each built once, here. */
export interface Components extends Foundations {
  repositories: Repositories;
  temporal: TemporalParts;
  /** The SSRF policy the API checks URLs with (its resolver is this process's; {@link closeComponents} closes it). */
  destinations: DestinationPolicy;
}

/** The composition root: builds every repository and Temporal helper once, over the process's foundations. */
export function buildComponents(foundations: Foundations): Components {
  const { config, db, client, secretBox, logger } = foundations;
  const messages = new MessagesRepository(db);
  const repositories: Repositories = {
    applications: new ApplicationsRepository(db),
    applicationTokens: new ApplicationTokensRepository(db),
    endpoints: new EndpointsRepository(db, secretBox),
    messages,
    messageBatches: new MessageBatchesRepository(db),
    deliveries: new DeliveriesRepository(db),
    deadLetters: new DeadLettersRepository(db),
    throttles: new ThrottlesRepository(db),
    stats: new StatsRepository(db),
    streams: new OrderedStreamsRepository(db),
    circuits: new CircuitsRepository(db),
    retention: new RetentionRepository(db),
    activityLog: new ActivityLogRepository(db),
    portal: new PortalRepository(db),
    eventTypes: new EventTypesRepository(db),
    outbox: new OutboxRepository(db),
  };
  const starter = new DeliveryStarter(client, config.temporal.taskQueue, {
    eager: foundations.eagerStart ?? false,
    onStarted: (eagerly) => foundations.metrics.workflowStarted(eagerly),
  });
  const startGate = new StartGate(workflowTaskBacklog(client, config.temporal.taskQueue));
  const deadLetterSignals = new DeadLetterSignals(client, config);
  const streamSignals = new OrderedStreamSignals(client, config.temporal.taskQueue);
  const temporal: TemporalParts = {
    starter,
    deadLetterSignals,
    deadLetterRetrier: new DeadLetterRetrier(repositories, starter, deadLetterSignals),
    streamSignals,
    streamAdvancer: new OrderedStreamAdvancer(repositories, starter),
    circuitSignals: new CircuitSignals(client, { taskQueue: config.temporal.taskQueue, releasePerSecond: config.delivery.circuitReleasePerSecond }),
    circuitStepper: new CircuitStepper({ circuits: repositories.circuits, endpoints: repositories.endpoints, starter, gate: startGate }),
    outboxStarter: new OutboxStarter(
      repositories.outbox,
      starter,
      streamSignals,
      logger.child({ component: 'outbox' }),
      foundations.runsWorker === false ? { ...OUTBOX_SETTINGS, minAgeMs: OUTBOX_SETTINGS.pollIntervalMs } : OUTBOX_SETTINGS,
      startGate,
    ),
  };
  return { ...foundations, repositories, temporal, destinations: new DestinationPolicy(config.security) };
}

/** Releases what the components own (not the foundations, which their opener closes). */
export function closeComponents(components: Components): void {
  components.destinations.resolver.close();
}
