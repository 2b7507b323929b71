import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { HookwayConfig } from '../config';
import { createApi, DOCS_PATH } from '../api/create-api';
import { OrphanSweeper } from '../temporal/orphan-sweeper';
import { Database } from '../db/database';
import { OutboxListener } from '../db/outbox-listener';
import { migrate } from '../db/migrate';
import type { Logger } from '../logging/logger';
import { DeliveryMetrics } from '../metrics/delivery-metrics';
import { serveMetrics } from '../metrics/metrics-server';
import { renderMetrics } from '../metrics/sdk-metrics';
import { resolveApiAuth, resolveEncryptionKey, type ApiAuth } from '../security/local-secrets';
import { SecretBox } from '../security/secret-box';
import { connectNativeTemporalClient, connectTemporalClient, type NativeTemporalClientHandle, type TemporalClientHandle } from '../temporal/connection';
import { installTemporalRuntime, temporalSdkMetricsUrl } from '../temporal/runtime';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { startHookwayWorker, type HookwayWorker } from '../temporal/worker';
import { buildComponents, closeComponents } from './components';
import { HttpDrain } from './http-drain';

/** Which parts of Hookway this process runs. */
export interface Roles {
  api: boolean;
  worker: boolean;
}

/** A running Hookway process (API, worker or both) and the one way to stop it. */
export interface RunningHookway {
  /** Base URL of the API when this process serves it. */
  apiUrl?: string;
  docsUrl?: string;
  /** How the API authenticates (with the token), when this process serves it. */
  auth?: ApiAuth;
  /** Seals and opens endpoint secrets at rest. */
  secretBox: SecretBox;
  /** Where this process's Prometheus metrics are (the API's `/metrics`, or a lone worker's own server). */
  metricsUrl?: string;
  db: Database;
  client: Client;
  /** Rejects if the worker stops on its own (a fatal error); resolves after a requested stop. */
  workerDone?: Promise<void>;
  /** Stops the API, then the worker (finishing in-flight tasks), then closes Temporal and PostgreSQL. */
  stop(): Promise<void>;
}

async function migrateWhenReachable(db: Database, logger: Logger, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const applied = await migrate(db);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      logger.warn({ err: error }, 'PostgreSQL not reachable yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * Connects to PostgreSQL (applying migrations) and Temporal (registering search attributes), then starts
 * the requested roles. Whatever was opened is closed again if a later step fails.
 */
export async function startHookway(
  config: HookwayConfig,
  logger: Logger,
  roles: Roles,
  options: { mayGenerateApiToken?: boolean } = {},
): Promise<RunningHookway> {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  };
  try {
    // Settled before anything starts, so a missing token stops the process at once, not after a minute.
    const auth = roles.api ? resolveApiAuth(config, options.mayGenerateApiToken ?? false) : undefined;
    if (auth?.mode === 'open') logger.warn('HOOKWAY_INSECURE_NO_AUTH=true: the API accepts requests from anyone, without a token');
    const { key, generatedIn } = resolveEncryptionKey(config);
    if (generatedIn) {
      logger.warn({ file: generatedIn }, 'HOOKWAY_ENCRYPTION_KEY unset: generated a key in the data dir; set the variable in production so every process shares one');
    }
    const secretBox = new SecretBox(key);
    const db = new Database(config.database.url, {
      maxConnections: roles.api && roles.worker ? 20 : 10,
      preparedStatements: config.database.preparedStatements,
      onIdleClientError: (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost'),
    });
    cleanups.push(() => db.close());
    await migrateWhenReachable(db, logger, 30_000);

    // A worker's process shares one native connection between client and worker, which is what lets the
    // client start workflows eagerly on that worker.
    let temporal: TemporalClientHandle | NativeTemporalClientHandle;
    let workerConnection: NativeConnection | undefined;
    if (roles.worker) {
      await installTemporalRuntime(logger);
      const native = await connectNativeTemporalClient(config.temporal);
      workerConnection = native.connection;
      temporal = native;
    } else {
      temporal = await connectTemporalClient(config.temporal);
    }
    cleanups.push(() => temporal.connection.close());
    const added = await ensureSearchAttributes(temporal.connection, config.temporal.namespace);
    if (added.length > 0) logger.info({ added }, 'registered search attributes');

    const metrics = new DeliveryMetrics({ eventTypes: config.metrics.eventTypes, perEndpoint: config.metrics.perEndpoint, applications: config.metrics.applications });
    const renderAll = () => renderMetrics(metrics.registry.metrics(), temporalSdkMetricsUrl());
    // The one place every shared object is built, whichever roles this process runs.
    const eagerStart = workerConnection !== undefined && config.worker.eagerStart;
    const components = buildComponents({ config, db, client: temporal.client, logger, secretBox, metrics, eagerStart, runsWorker: roles.worker });
    cleanups.push(async () => closeComponents(components));
    const { repositories, temporal: parts } = components;
    // Every process, API or worker, starts what was accepted and polls for rows no one took. A worker's is
    // also woken by every commit that adds rows, from any process, and starts them eagerly on itself (the
    // first workflow task comes back with the start call): an API process alone could only start them
    // through Temporal's matching, tens of milliseconds more per delivery.
    parts.outboxStarter.start();
    cleanups.push(() => parts.outboxStarter.stop());
    if (roles.worker) {
      const listener = new OutboxListener(config.database.url, () => parts.outboxStarter.kick(), logger.child({ component: 'outbox-listener' }));
      listener.start();
      cleanups.push(() => listener.stop());
    }
    let worker: HookwayWorker | undefined;
    if (workerConnection) {
      worker = await startHookwayWorker(components, workerConnection);
      const started = worker;
      cleanups.push(() => started.stop());
      const sweeper = new OrphanSweeper(
        repositories,
        parts.starter,
        { streams: parts.streamSignals, circuits: parts.circuitSignals },
        // A delivery younger than two sweeps may simply be waiting for its API call to finish.
        { intervalMs: config.worker.orphanSweepIntervalMs, olderThanMs: 2 * config.worker.orphanSweepIntervalMs, batch: 200 },
        logger.child({ component: 'orphan-sweeper' }),
      );
      sweeper.start();
      cleanups.push(() => sweeper.stop());
    }
    let metricsUrl: string | undefined;
    if (roles.worker && !roles.api) {
      const server = await serveMetrics(config.metrics.workerPort, config.api.host, renderAll, logger);
      cleanups.push(server.close);
      metricsUrl = server.url;
    }

    let apiUrl: string | undefined;
    if (roles.api) {
      // The queue size comes from PostgreSQL, so only API processes report it: one truth per scrape.
      metrics.exposeDeadLetterQueue(() => repositories.deadLetters.countOpenByEndpoint());
      metrics.exposeCircuits(() => repositories.circuits.summary());
      metrics.exposeOutbox(() => repositories.outbox.pending());
      const drain = new HttpDrain();
      const app = await createApi({ components, renderMetrics: renderAll, auth: auth ?? { mode: 'open' }, shutdown: drain });
      drain.attach(app.getHttpServer());
      cleanups.push(async () => {
        // Every request already received is answered before the pool and the Temporal client close.
        const { abandonedRequests, elapsedMs } = await drain.drain(config.api.shutdownGraceMs);
        if (abandonedRequests > 0) logger.warn({ abandonedRequests, graceMs: config.api.shutdownGraceMs }, 'API stopped with requests still unanswered');
        else logger.info({ elapsedMs }, 'API drained: every request received was answered');
        await app.close();
      });
      await app.listen(config.api.port, config.api.host);
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : config.api.port;
      const host = config.api.host === '0.0.0.0' || config.api.host === '::' ? '127.0.0.1' : config.api.host;
      apiUrl = `http://${host}:${port}`;
      metricsUrl = `${apiUrl}/metrics`;
    }

    return {
      apiUrl,
      docsUrl: apiUrl ? `${apiUrl}/${DOCS_PATH}` : undefined,
      metricsUrl,
      auth,
      secretBox,
      db,
      client: temporal.client,
      workerDone: worker?.done,
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
