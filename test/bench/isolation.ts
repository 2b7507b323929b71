import { performance } from 'node:perf_hooks';
import { freePort } from '../../src/runtime/ports';
import { deliveryWorkflowId } from '../../workflows/definitions';
import { messageId, withCpu, type BenchContext } from './context';
import type { CpuUsage } from './proc-stats';
import { drain, runPaced, type PacedResult } from './hookway-throughput';
import { closedLoop } from './load';
import { perSecond, ratio, sleep } from './stats';

/** The route of the endpoint that is down: its deliveries are expected never to arrive. */
export const DOWN_ROUTE = 'iso-down';

/** The isolation run's schedule for the endpoint that is down: long, exponential (1 s, 2 s, 4 s, ...). */
const DOWN_RETRIES = { maxAttempts: 20, initialIntervalMs: 1000 };

/** A healthy endpoint's latency alone, and again while a neighbour's deliveries wait in retry. */
export interface IsolationResult {
  rate: number;
  seconds: number;
  alone: PacedResult;
  withFailingNeighbour: PacedResult;
  /** p99 with the failing neighbour / p99 alone. */
  p99Ratio: number | null;
  neighbour: {
    /** Deliveries accepted for the endpoint that is down. */
    accepted: number;
    enqueueSeconds: number;
    enqueuePerSec: number;
    /** Its deliveries tried at least once when the second measurement began. */
    inRetryAtStart: number;
    /** Its deliveries parked behind its open circuit when the second measurement began. */
    parkedAtStart: number;
    /** Seconds from the end of the enqueue until every one of its deliveries was waiting (tried or parked). */
    settleSeconds: number;
    /** Its failed attempts made during the second measurement. */
    attemptsDuringMeasurement: number;
    /** Its workflows the bench terminated afterwards, so the run ends in bounded time. */
    terminated: number;
    terminateSeconds: number;
  };
  /**
   * Seconds from the end of the termination until the healthy endpoint's last delivery arrived: how long
   * the neighbour's queued attempts kept holding healthy traffic. Null when not within the drain timeout.
   */
  healthyCaughtUpSeconds: number | null;
  /** Peak RSS (MB) from the first POST to the neighbour until the end. */
  peakRssMb: { api: number; worker: number };
  /** CPU while the neighbour's deliveries were posted, and during the second measurement. */
  cpu: { enqueue: CpuUsage; withFailingNeighbour: CpuUsage };
}

async function neighbourState(ctx: BenchContext, endpointId: string): Promise<{ attempts: number; tried: number; parked: number; waiting: number }> {
  const { rows } = await ctx.pg.query<{ attempts: number; tried: number; parked: number; waiting: number }>(
    `SELECT (SELECT count(*)::int FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1) AS attempts,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id))::int AS tried,
            count(*) FILTER (WHERE d.parked_at IS NOT NULL)::int AS parked,
            count(*) FILTER (WHERE d.parked_at IS NOT NULL OR EXISTS (SELECT 1 FROM delivery_attempts a WHERE a.delivery_id = d.id))::int AS waiting
     FROM deliveries d WHERE d.endpoint_id = $1`,
    [endpointId],
  );
  return rows[0];
}

/**
 * Waits (at most the drain timeout) until every delivery accepted for the neighbour is waiting in retry:
 * tried at least once, or parked behind its open circuit. @returns the seconds waited.
 */
async function untilNeighbourWaits(ctx: BenchContext, endpointId: string, accepted: number): Promise<number> {
  const started = performance.now();
  const deadline = started + ctx.settings.drainTimeoutSeconds * 1000;
  while ((await neighbourState(ctx, endpointId)).waiting < accepted && performance.now() < deadline) await sleep(250);
  return Math.round((performance.now() - started) / 100) / 10;
}

/**
 * Ends the neighbour's delivery workflows, whose retries would otherwise run for hours: a bench step,
 * not something Hookway does. @returns how many were running.
 */
async function terminateNeighbour(ctx: BenchContext, endpointId: string): Promise<number> {
  const ids = [...ctx.ledger.acceptedFor(DOWN_ROUTE).keys()];
  let terminated = 0;
  await closedLoop({ concurrency: ctx.settings.concurrency, seconds: ctx.settings.drainTimeoutSeconds, count: ids.length }, async (n) => {
    try {
      await ctx.stack.temporalClient.client.workflow.getHandle(deliveryWorkflowId(endpointId, ids[n])).terminate('hookway bench: isolation run over');
      terminated += 1;
      return true;
    } catch {
      // Closed already (dead-lettered after its last attempt): nothing to end.
      return false;
    }
  });
  return terminated;
}

/**
 * Measures a healthy endpoint's p99 at `rate` alone; then queues `BENCH_BACKLOG` deliveries to an
 * endpoint of another application on a closed port (connection refused, retried after 1 s, 2 s, 4 s, ...), waits until each of
 * them has been tried or parked, and measures the healthy one again while they wait in retry. It is the same endpoint both times; only each run's
 * messages count. Afterwards the neighbour's workflows are terminated so later waits are bounded.
 */
export async function runIsolation(ctx: BenchContext, rate: number): Promise<IsolationResult> {
  const healthy = 'iso-healthy';
  const eventType = 'bench.iso-healthy';
  const { isolationSeconds: seconds, backlog, concurrency, enqueueTimeoutSeconds } = ctx.settings;
  await ctx.api.createEndpoint(healthy, { url: ctx.receiver.url(healthy), eventType });
  const alone = await runPaced(ctx, { label: healthy, eventType, rate, seconds, idPrefix: 'iso-alone' });

  // The neighbour is another tenant: its own application, so the figure is the isolation between
  // applications (and, as fairness keys by application and endpoint, between endpoints too).
  const neighbourApplication = await ctx.api.createApplication('bench isolation neighbour');
  // Nothing listens on a port just found free: every attempt is refused at once.
  const down = await ctx.api.createEndpoint(DOWN_ROUTE, {
    application: neighbourApplication,
    url: `http://127.0.0.1:${await freePort()}/e/${DOWN_ROUTE}`,
    eventType: 'bench.iso-down',
    retryPolicy: DOWN_RETRIES,
  });
  ctx.rss.mark();
  const [enqueue, enqueueCpu] = await withCpu(ctx, () =>
    closedLoop({ concurrency, seconds: enqueueTimeoutSeconds, count: backlog }, (n) => ctx.api.send(messageId(ctx, DOWN_ROUTE, n), 'bench.iso-down', neighbourApplication)),
  );
  // The run measures next to deliveries waiting in retry, so it starts once each has been tried or parked.
  const settleSeconds = await untilNeighbourWaits(ctx, down, ctx.ledger.acceptedFor(DOWN_ROUTE).size);
  const before = await neighbourState(ctx, down);
  // Bounded wait: stragglers count with the time waited (a lower bound) and arrive after the termination.
  const [withFailingNeighbour, busyCpu] = await withCpu(ctx, () =>
    runPaced(ctx, { label: healthy, eventType, rate, seconds, idPrefix: 'iso-busy', waitMs: (seconds + 10) * 1000 }),
  );
  const after = await neighbourState(ctx, down);
  const peak = ctx.rss.peak();
  const terminating = performance.now();
  const terminated = await terminateNeighbour(ctx, down);
  const terminatedAt = performance.now();
  // The next phase must not start with this one's healthy deliveries still queued.
  const caughtUp = await drain(ctx, [healthy]);
  let lastHealthy = terminatedAt;
  for (const at of ctx.receiver.route(healthy).delivered.values()) lastHealthy = Math.max(lastHealthy, at);
  return {
    rate,
    seconds,
    alone,
    withFailingNeighbour,
    p99Ratio: ratio(withFailingNeighbour.latencyMs.p99, alone.latencyMs.p99),
    neighbour: {
      accepted: ctx.ledger.acceptedFor(DOWN_ROUTE).size,
      enqueueSeconds: Math.round((enqueue.endedAt - enqueue.startedAt) / 100) / 10,
      enqueuePerSec: perSecond(enqueue.ok, enqueue.endedAt - enqueue.startedAt),
      inRetryAtStart: before.tried,
      parkedAtStart: before.parked,
      settleSeconds,
      attemptsDuringMeasurement: after.attempts - before.attempts,
      terminated,
      terminateSeconds: Math.round((terminatedAt - terminating) / 100) / 10,
    },
    healthyCaughtUpSeconds: caughtUp ? Math.round((lastHealthy - terminatedAt) / 100) / 10 : null,
    peakRssMb: { api: peak.api ?? 0, worker: peak.worker ?? 0 },
    cpu: { enqueue: enqueueCpu, withFailingNeighbour: busyCpu },
  };
}
