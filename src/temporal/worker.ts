import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { Agent } from 'undici';
import { createActivities, type ActivityDeps } from '../../activities';
import { Alerter } from '../../activities/alerts';
import { MessagesRepository } from '../db/messages.repository';
import { ThrottlesRepository } from '../db/throttles.repository';
import { CircuitSignals } from './circuit-signals';
import { CircuitStepper } from './circuit-stepper';
import { DeadLetterRetrier } from './dead-letter-retrier';
import { DeadLetterSignals } from './dead-letter-signals';
import { OrderedStreamAdvancer } from './ordered-stream-advancer';
import { OrderedStreamSignals } from './ordered-stream-signals';
import { DeliveryStarter } from './delivery-starter';
import type { HookwayConfig } from '../config';
import { CircuitsRepository } from '../db/circuits.repository';
import { DeadLettersRepository } from '../db/dead-letters.repository';
import type { Database } from '../db/database';
import { DeliveriesRepository } from '../db/deliveries.repository';
import { EndpointsRepository } from '../db/endpoints.repository';
import { OrderedStreamsRepository } from '../db/ordered-streams.repository';
import { RetentionRepository } from '../db/retention.repository';
import type { Logger } from '../logging/logger';
import type { DeliveryMetrics } from '../metrics/delivery-metrics';
import { DestinationPolicy } from '../security/destination-policy';
import { guardedConnector } from '../security/guarded-connector';
import type { HostResolver } from '../security/host-resolver';
import type { SecretBox } from '../security/secret-box';
import { temporalConnectionOptions } from './connection';
import { ensureRetentionSchedule } from './retention-schedule';
import { installTemporalRuntime } from './runtime';

/** Builds the activities' dependencies over one database, client and HTTP agent. */
export function activityDeps(deps: {
  config: HookwayConfig;
  db: Database;
  client: Client;
  http: Agent;
  resolver: HostResolver;
  alertHttp: Agent;
  metrics: DeliveryMetrics;
  secretBox: SecretBox;
  logger: Logger;
}): ActivityDeps {
  const { config, db, client, http, resolver, alertHttp, metrics, secretBox, logger } = deps;
  const endpoints = new EndpointsRepository(db, secretBox);
  const deliveries = new DeliveriesRepository(db);
  const deadLetters = new DeadLettersRepository(db);
  const deadLetterSignals = new DeadLetterSignals(client, config);
  const starter = new DeliveryStarter(client, config.taskQueue);
  const messages = new MessagesRepository(db);
  const circuits = new CircuitsRepository(db);
  const circuitSignals = new CircuitSignals(client, { taskQueue: config.taskQueue, releasePerSecond: config.circuitReleasePerSecond });
  return {
    endpoints,
    deliveries,
    deadLetters,
    throttles: new ThrottlesRepository(db),
    retention: new RetentionRepository(db),
    deadLetterSignals,
    deadLetterRetrier: new DeadLetterRetrier(
      { deadLetters, deliveries, endpoints, messages },
      starter,
      deadLetterSignals,
    ),
    streamAdvancer: new OrderedStreamAdvancer({ streams: new OrderedStreamsRepository(db), messages, endpoints }, starter),
    streamSignals: new OrderedStreamSignals(client, config.taskQueue),
    circuits,
    circuitSignals,
    circuitStepper: new CircuitStepper(circuits, circuitSignals),
    circuitThreshold: config.circuitThreshold,
    alerter: new Alerter({ http: alertHttp, logger, url: config.alertUrl, secret: config.alertSecret }),
    deadLetterAlertThreshold: config.deadLetterAlertThreshold,
    http,
    resolver,
    disableAfterMs: config.disableAfterMs,
    metrics,
    logger,
  };
}

/** A running worker and everything it owns; `stop()` releases all of it. */
export interface HookwayWorker {
  worker: Worker;
  /** Resolves when the worker has stopped polling and finished in-flight tasks. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Creates and starts the worker that runs delivery and dead-letter workflows and the HTTP activities.
 * It owns its NativeConnection and undici Agent; the database and client stay the caller's.
 */
export async function startHookwayWorker(deps: {
  config: HookwayConfig;
  db: Database;
  client: Client;
  logger: Logger;
  metrics: DeliveryMetrics;
  secretBox: SecretBox;
}): Promise<HookwayWorker> {
  const { config, db, client, logger, metrics, secretBox } = deps;
  await installTemporalRuntime(logger);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  // Keep-alive pools per origin; redirects are never followed because no redirect interceptor is composed.
  // Every connection goes through the SSRF policy, on the address actually connected to.
  const destinations = new DestinationPolicy(config);
  const http = new Agent({ keepAliveTimeout: 10_000, connections: 50, connect: guardedConnector(destinations) });
  // Alerts go to the operator's own URL, which may well be on a private network: same resolver, no policy.
  const alertHttp = new Agent({
    keepAliveTimeout: 10_000,
    connect: guardedConnector(new DestinationPolicy({ ...config, allowPrivateNetworks: true }, destinations.resolver)),
  });
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities(
        activityDeps({ config, db, client, http, resolver: destinations.resolver, alertHttp, metrics, secretBox, logger: logger.child({ component: 'activities' }) }),
      ),
      // First attempts run as local activities, retries and bookkeeping as activities: each gets the setting.
      maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
      maxConcurrentLocalActivityExecutions: config.maxConcurrentActivities,
      // The SDK's default scales with the heap (thousands here), so memory grew with every waiting delivery.
      maxCachedWorkflows: config.maxCachedWorkflows,
    });
    // Deletion is housekeeping: a worker whose Temporal credentials may not manage schedules still delivers.
    await ensureRetentionSchedule(client, config).then(
      (outcome) => logger.info({ outcome, taskQueue: config.taskQueue }, 'retention schedule ensured'),
      (error: unknown) => logger.warn({ err: error }, 'retention schedule could not be ensured; old rows are not deleted'),
    );
    const done = worker.run().finally(async () => {
      await http.close();
      await alertHttp.close();
      destinations.resolver.close();
      await connection.close();
    });
    return {
      worker,
      done,
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
      },
    };
  } catch (error) {
    await http.close();
    await alertHttp.close();
    destinations.resolver.close();
    await connection.close();
    throw error;
  }
}
