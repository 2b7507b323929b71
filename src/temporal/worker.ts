import { Worker, type NativeConnection } from '@temporalio/worker';
import { Agent } from 'undici';
import { createActivities, type ActivityDeps } from '../../activities';
import { Alerter } from '../../activities/alerts';
import type { Logger } from '../logging/logger';
import { DestinationPolicy } from '../security/destination-policy';
import { guardedConnector } from '../security/guarded-connector';
import type { Components } from '../runtime/components';
import { ensureRetentionSchedule } from './retention-schedule';

/** The activities' dependencies: the process's components, and the worker's own HTTP agents. */
export function activityDeps(components: Components, own: { http: Agent; alertHttp: Agent; logger: Logger }): ActivityDeps {
  const { config, metrics, repositories, temporal } = components;
  return {
    endpoints: repositories.endpoints,
    deliveries: repositories.deliveries,
    deadLetters: repositories.deadLetters,
    throttles: repositories.throttles,
    retention: repositories.retention,
    circuits: repositories.circuits,
    deadLetterSignals: temporal.deadLetterSignals,
    deadLetterRetrier: temporal.deadLetterRetrier,
    streamAdvancer: temporal.streamAdvancer,
    streamSignals: temporal.streamSignals,
    circuitSignals: temporal.circuitSignals,
    circuitStepper: temporal.circuitStepper,
    circuitThreshold: config.delivery.circuitThreshold,
    alerter: new Alerter({ http: own.alertHttp, logger: own.logger, url: config.alerts.url, secret: config.alerts.secret }),
    deadLetterAlertThreshold: config.alerts.deadLetterThreshold,
    http: own.http,
    resolver: components.destinations.resolver,
    disableAfterMs: config.delivery.disableAfterMs,
    metrics,
    logger: own.logger,
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
 * Creates and starts the worker that runs every workflow and activity, over the process's components and
 * the native connection its client shares (see `connectNativeTemporalClient`). It owns its undici
 * Agents; the components and the connection stay the caller's.
 */
export async function startHookwayWorker(components: Components, connection: NativeConnection): Promise<HookwayWorker> {
  const { config, client, logger } = components;
  // Keep-alive pools per origin; redirects are never followed because no redirect interceptor is composed.
  // Every connection goes through the SSRF policy, on the address actually connected to.
  const destinations = components.destinations;
  const http = new Agent({ keepAliveTimeout: 10_000, connections: 50, connect: guardedConnector(destinations) });
  // Alerts go to the operator's own URL, which may well be on a private network: same resolver, no policy.
  const alertHttp = new Agent({
    keepAliveTimeout: 10_000,
    connect: guardedConnector(new DestinationPolicy({ ...config.security, allowPrivateNetworks: true }, destinations.resolver)),
  });
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities(activityDeps(components, { http, alertHttp, logger: logger.child({ component: 'activities' }) })),
      // First attempts run as local activities, retries and bookkeeping as activities: each gets the setting.
      maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
      maxConcurrentLocalActivityExecutions: config.worker.maxConcurrentActivities,
      // The SDK's default scales with the heap (thousands here), so memory grew with every waiting delivery.
      maxCachedWorkflows: config.worker.maxCachedWorkflows,
    });
    // Deletion is housekeeping: a worker whose Temporal credentials may not manage schedules still delivers.
    await ensureRetentionSchedule(client, config.temporal.taskQueue, config.retention).then(
      (outcome) => logger.info({ outcome, taskQueue: config.temporal.taskQueue }, 'retention schedule ensured'),
      (error: unknown) => logger.warn({ err: error }, 'retention schedule could not be ensured; old rows are not deleted'),
    );
    const done = worker.run().finally(async () => {
      await http.close();
      await alertHttp.close();
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
    throw error;
  }
}
