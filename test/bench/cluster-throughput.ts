import { startTestCluster } from '../support/test-cluster';
import { HookwayApi, Ledger } from './api-client';
import { messageId, type BenchContext } from './context';
import { drain, endpoints, runMaxRate, type MaxRateResult } from './hookway-throughput';
import { closedLoop } from './load';
import { CpuMeter } from './proc-stats';

/** `cluster` in latest.json: Hookway on a PostgreSQL-backed Temporal server, beside the dev server's figure. */
export interface ClusterRowResult {
  /** Delivered/s (fan-out 1, first POST to last arrival) with one API and one worker on the cluster. */
  oneWorkerPerSec: number;
  /** The same with three workers. */
  threeWorkersPerSec: number;
  /** The main run's fan-out 1 delivered/s: one API and one worker on the dev server (SQLite). */
  devServerPerSec: number;
  historyShards: number;
  oneWorker: MaxRateResult;
  threeWorkers: MaxRateResult;
  /** Seconds to start the Temporal server, the API and three workers. */
  startSeconds: number;
}

/** Messages sent, unmeasured, before the first measurement on the fresh cluster. */
const WARM_UP_COUNT = 40;

/**
 * Starts a Temporal server on PostgreSQL persistence and visibility (databases of its own on the bench's
 * PostgreSQL), one API and three workers; measures fan-out 1 at maximum rate with three workers, then
 * stops two of them and measures again. The same sizes as the main run's fan-out 1, whose figure on the
 * dev server is `devServerPerSec`.
 */
export async function runClusterRow(ctx: BenchContext, adminUrl: string, devServerPerSec: number): Promise<ClusterRowResult> {
  const started = Date.now();
  const cluster = await startTestCluster({
    apis: 1,
    workers: 3,
    adminUrl,
    parentDir: ctx.stack.root,
    env: {
      HOOKWAY_MAX_CONCURRENT_ACTIVITIES: String(ctx.settings.activitySlots),
      HOOKWAY_ALLOW_PRIVATE_NETWORKS: 'true',
    },
  });
  // The cluster's processes run in groups of their own: an interrupted bench must not leave them behind.
  const onExit = (): void => cluster.killNow();
  process.once('exit', onExit);
  const ledger = new Ledger();
  const api = new HookwayApi(cluster.fleet.apiUrls[0], cluster.apiToken, ledger, Math.max(64, ctx.settings.concurrency * 2));
  try {
    const startSeconds = Math.round((Date.now() - started) / 1000);
    const devStack = ctx.stack.processRoots();
    const roots = (): Record<string, number[]> => ({
      bench: [process.pid],
      postgres: devStack.postgres ?? [],
      // The main run's processes, idle now but still polling: theirs, not "other programs".
      idleDevStack: [...(devStack.temporal ?? []), ...devStack.api, ...devStack.worker, ...devStack.floorWorker],
      temporal: [cluster.temporal.server.pid],
      api: cluster.fleet.apis.map((p) => p.pid),
      worker: cluster.fleet.workers.filter((p) => p.running).map((p) => p.pid),
    });
    const clusterCtx: BenchContext = { ...ctx, api, ledger, cpu: new CpuMeter(roots), runId: `${ctx.runId}c` };
    const [route] = await endpoints(clusterCtx, 'cwarm', 'bench.cwarm', 1);
    const warm = { concurrency: Math.min(8, ctx.settings.concurrency), seconds: 30, count: WARM_UP_COUNT };
    await closedLoop(warm, (n) => api.send(messageId(clusterCtx, 'cwarm', n), 'bench.cwarm'));
    await drain(clusterCtx, [route]);
    ctx.say(`  cluster, 3 workers (${ctx.settings.seconds} s + drain)...`);
    const threeWorkers = await runMaxRate(clusterCtx, { label: 'c3', fanout: 1 });
    // SIGTERM: they finish what they hold, and Temporal gives the queue to the one left.
    await Promise.all(cluster.fleet.workers.slice(1).map((worker) => worker.stop(30_000)));
    ctx.say(`  cluster, 1 worker (${ctx.settings.seconds} s + drain)...`);
    const oneWorker = await runMaxRate(clusterCtx, { label: 'c1', fanout: 1 });
    return {
      oneWorkerPerSec: oneWorker.deliveredPerSec,
      threeWorkersPerSec: threeWorkers.deliveredPerSec,
      devServerPerSec,
      historyShards: cluster.historyShards,
      oneWorker,
      threeWorkers,
      startSeconds,
    };
  } finally {
    await api.close().catch(() => undefined);
    await cluster.stop();
    process.off('exit', onExit);
  }
}
