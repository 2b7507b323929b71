import { performance } from 'node:perf_hooks';
import { freePort } from '../../src/runtime/ports';
import { circuitWorkflowId, deadLetterWorkflowId, deliveryWorkflowId } from '../../workflows/definitions';
import { messageId, withCpu, type BenchContext } from './context';
import { drain, runPaced, type PacedResult } from './hookway-throughput';
import { closedLoop } from './load';
import type { CpuUsage } from './proc-stats';
import { perSecond, ratio, sleep } from './stats';
import { executionsCost, historyCost, meanCost, type ExecutionsCost, type HistoryCost } from './workflow-cost';

/** The route of the endpoint nobody listens for: its deliveries are expected never to arrive. */
export const DEAD_ROUTE = 'dn-dead';
const HEALTHY_ROUTE = 'dn-healthy';
const EVENT_TYPE = 'bench.dn';

/** The fast schedule for the dead endpoint: 3 attempts, the first retry after 1 s. */
const FAST_SCHEDULE = { maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 60_000 };
/** The targets: the healthy endpoint keeps this share of its rate alone... */
export const RATE_RATIO_TARGET = 0.45;
/** ...and its p99 at the fixed rate stays within this factor of alone. */
export const P99_RATIO_TARGET = 2;
/** Longest wait for stragglers of one measurement, or for the dead endpoint's last dead letter. */
const WAIT_MS = 240_000;
/** Executions the profile lists at most per query, so a huge run stays bounded. */
const LIST_LIMIT = 20_000;

/** The healthy endpoint in a closed loop: its sustained delivered rate. */
export interface SustainedRun {
  /** Messages answered 202 (each also went to the dead endpoint, when there was one). */
  accepted: number;
  delivered: number;
  /** Healthy deliveries per second, from the first POST to the last arrival. */
  deliveredPerSec: number;
  acceptedPerSec: number;
  allDelivered: boolean;
}

/** One side of the comparison: the healthy endpoint alone, or beside the dead one. */
export interface DeadNeighbourSide {
  /** At the fixed offered rate: accepted-to-delivered latency. */
  paced: PacedResult;
  sustained: SustainedRun;
  /** CPU over both measurements (with the dead neighbour: until its last dead letter). */
  cpu: CpuUsage;
  /** Healthy deliveries the CPU above paid for. */
  healthyDelivered: number;
}

/** `npm run bench -- dead-neighbour`: what a dead endpoint does to a healthy one, and what it costs. */
export interface DeadNeighbourResult {
  messagesPerMeasurement: number;
  /** The fixed offered rate: `BENCH_DEAD_RATE`, at most half the healthy endpoint's sustained rate alone. */
  rate: number;
  concurrency: number;
  schedule: typeof FAST_SCHEDULE;
  alone: DeadNeighbourSide;
  withDead: DeadNeighbourSide;
  ratios: { sustainedRate: number | null; p50: number | null; p99: number | null };
  targets: { rateRatioAtLeast: number; p99RatioAtMost: number; rateMet: boolean; p99Met: boolean };
  dead: {
    accepted: number;
    /** Rows in `dead_letters` for the dead endpoint at the end. */
    deadLetters: number;
    /** What the dead-letter workflow's `deadLetters` query answered at the end (null: no answer). */
    deadLettersQueried: number | null;
    attempts: number;
    /** Its deliveries still marked parked behind the open circuit at the end. */
    parked: number;
    /** From the last POST until every dead delivery was dead-lettered; null when not within the wait. */
    settleSeconds: number | null;
  };
  /** What Temporal stored and ran per delivery, from histories and visibility. */
  profile: {
    deadDelivery: ReturnType<typeof meanCost>;
    healthyDelivery: ReturnType<typeof meanCost>;
    deadSamples: HistoryCost[];
    deadDeliveries: ExecutionsCost;
    healthyDeliveries: ExecutionsCost;
    deadLetterWorkflow: ExecutionsCost & { latest?: HistoryCost };
    circuitWorkflow: ExecutionsCost & { latest?: HistoryCost };
    /** Extra CPU with the dead neighbour beyond the healthy deliveries' own, per dead delivery, ms by process. */
    cpuMsPerDeadDelivery: Record<string, number>;
    /** CPU per healthy delivery alone, ms by process, for comparison. */
    cpuMsPerHealthyDelivery: Record<string, number>;
  };
  peakRssMb: { api: number; worker: number };
}

async function deadState(ctx: BenchContext, endpointId: string): Promise<{ deadLetters: number; attempts: number; parked: number }> {
  const { rows } = await ctx.pg.query<{ dead_letters: number; attempts: number; parked: number }>(
    `SELECT (SELECT count(*)::int FROM dead_letters WHERE endpoint_id = $1) AS dead_letters,
            (SELECT count(*)::int FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1) AS attempts,
            (SELECT count(*)::int FROM deliveries WHERE endpoint_id = $1 AND parked_at IS NOT NULL) AS parked`,
    [endpointId],
  );
  return { deadLetters: rows[0].dead_letters, attempts: rows[0].attempts, parked: rows[0].parked };
}

/** A closed loop of `count` messages; the healthy endpoint's rate is its arrivals over first POST to last arrival. */
async function sustained(ctx: BenchContext, idPrefix: string, count: number): Promise<SustainedRun> {
  const ids = new Set<string>();
  // Bounded: at 2 messages/s the run would be hopeless anyway.
  const load = await closedLoop({ concurrency: ctx.settings.concurrency, seconds: Math.max(60, count / 2), count }, (n) => {
    const id = messageId(ctx, idPrefix, n);
    ids.add(id);
    return ctx.api.send(id, EVENT_TYPE);
  });
  const allDelivered = await drain(ctx, [HEALTHY_ROUTE], ids, WAIT_MS);
  const arrivals = ctx.receiver.route(HEALTHY_ROUTE).delivered;
  const accepted = ctx.ledger.acceptedFor(HEALTHY_ROUTE);
  let delivered = 0;
  let last = load.endedAt;
  for (const id of ids) {
    const at = arrivals.get(id);
    if (at === undefined || !accepted.has(id)) continue;
    delivered += 1;
    last = Math.max(last, at);
  }
  return {
    accepted: load.ok,
    delivered,
    deliveredPerSec: perSecond(delivered, last - load.startedAt),
    acceptedPerSec: perSecond(load.ok, load.endedAt - load.startedAt),
    allDelivered,
  };
}

async function measure(ctx: BenchContext, side: 'alone' | 'dead', rateFor: (sustainedPerSec: number) => number, afterwards?: () => Promise<void>): Promise<DeadNeighbourSide> {
  const count = ctx.settings.deadNeighbourMessages;
  const [[paced, run], cpu] = await withCpu(ctx, async () => {
    ctx.say(`  ${side}: ${count} messages in a closed loop of ${ctx.settings.concurrency}...`);
    const s = await sustained(ctx, `dn-${side}-max`, count);
    const rate = rateFor(s.deliveredPerSec);
    ctx.say(`  ${side}: ${s.deliveredPerSec} healthy deliveries/s; now ${count} messages at ${rate}/s...`);
    const p = await runPaced(ctx, { label: HEALTHY_ROUTE, eventType: EVENT_TYPE, rate, seconds: count / rate, idPrefix: `dn-${side}-paced`, waitMs: WAIT_MS });
    ctx.say(`  ${side}: p50 ${p.latencyMs.p50} / p99 ${p.latencyMs.p99} ms`);
    await afterwards?.();
    return [p, s] as const;
  });
  return { paced, sustained: run, cpu, healthyDelivered: paced.delivered + run.delivered };
}

/** Until every delivery accepted for the dead endpoint is dead-lettered. @returns seconds, or null when the wait ran out. */
async function untilAllDeadLettered(ctx: BenchContext, endpointId: string, accepted: number): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < WAIT_MS) {
    if ((await deadState(ctx, endpointId)).deadLetters >= accepted) return Math.round((performance.now() - started) / 100) / 10;
    await sleep(1000);
  }
  return null;
}

async function queriedDeadLetters(ctx: BenchContext, endpointId: string): Promise<number | null> {
  try {
    const entries = await ctx.stack.temporalClient.client.workflow.getHandle(deadLetterWorkflowId(endpointId)).query<unknown[]>('deadLetters');
    return entries.length;
  } catch {
    return null;
  }
}

function perUnit(cpu: CpuUsage, units: number): Record<string, number> {
  if (units <= 0) return {};
  return Object.fromEntries(Object.entries(cpu.groups).map(([name, seconds]) => [name, Math.round(((seconds * 1000) / units) * 100) / 100]));
}

/** With the dead neighbour, CPU beyond what its healthy deliveries cost alone, per dead delivery. */
function extraPerDead(alone: DeadNeighbourSide, withDead: DeadNeighbourSide, dead: number): Record<string, number> {
  if (dead <= 0 || alone.healthyDelivered <= 0) return {};
  const out: Record<string, number> = {};
  for (const [name, seconds] of Object.entries(withDead.cpu.groups)) {
    const baseline = ((alone.cpu.groups[name] ?? 0) / alone.healthyDelivered) * withDead.healthyDelivered;
    out[name] = Math.round((((seconds - baseline) * 1000) / dead) * 100) / 100;
  }
  return out;
}

/** A few delivery workflows spread over a run: first, quarters, last. */
function sample<T>(items: T[], count = 5): T[] {
  if (items.length <= count) return items;
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]);
}

/**
 * The issue's scenario: a healthy endpoint measured alone (at a fixed rate, then in a closed loop), then
 * again beside an endpoint subscribed to every event type whose URL is a port nobody listens on, with the
 * fast schedule (3 attempts, 1 s), both receiving every message. Then counts what the dead deliveries
 * cost Temporal: history events per delivery, the dead-letter and circuit workflows' runs and events.
 */
export async function runDeadNeighbour(ctx: BenchContext): Promise<DeadNeighbourResult> {
  const count = ctx.settings.deadNeighbourMessages;
  const client = ctx.stack.temporalClient.client;
  const healthyId = await ctx.api.createEndpoint(HEALTHY_ROUTE, { url: ctx.receiver.url(HEALTHY_ROUTE), eventType: EVENT_TYPE });
  // Unmeasured: fresh workers and pools would otherwise make "alone" look slower than it is.
  await runPaced(ctx, { label: HEALTHY_ROUTE, eventType: EVENT_TYPE, rate: 10, seconds: 10, idPrefix: 'dn-warm', waitMs: WAIT_MS });
  ctx.say('dead neighbour: the healthy endpoint alone...');
  // The fixed rate is capped at half of what the endpoint sustains alone: above that, latency alone would
  // measure a queue, not Hookway. Both sides then run at the same rate.
  let rate = ctx.settings.deadNeighbourRate;
  const alone = await measure(ctx, 'alone', (perSec) => (rate = Math.max(1, Math.min(rate, Math.round(perSec * 5) / 10))));

  // Nothing listens on a port just found free: every attempt is refused at once.
  const deadId = await ctx.api.createEndpoint(DEAD_ROUTE, {
    url: `http://127.0.0.1:${await freePort()}/e/${DEAD_ROUTE}`,
    retryPolicy: FAST_SCHEDULE,
  });
  ctx.rss.mark();
  let settleSeconds: number | null = null;
  ctx.say('dead neighbour: again, beside an endpoint nobody listens for, subscribed to every event type...');
  const withDead = await measure(ctx, 'dead', () => rate, async () => {
    ctx.say('  waiting until every dead delivery is dead-lettered...');
    settleSeconds = await untilAllDeadLettered(ctx, deadId, ctx.ledger.acceptedFor(DEAD_ROUTE).size);
  });
  const peak = ctx.rss.peak();
  const state = await deadState(ctx, deadId);
  const deadAccepted = ctx.ledger.acceptedFor(DEAD_ROUTE).size;

  ctx.say('dead neighbour: reading histories and visibility...');
  const deadIds = [...ctx.ledger.acceptedFor(DEAD_ROUTE).keys()];
  const healthyIds = [...ctx.ledger.acceptedFor(HEALTHY_ROUTE).keys()].filter((id) => id.includes('dn-dead-'));
  const deadSamples = (await Promise.all(sample(deadIds).map((id) => historyCost(client, deliveryWorkflowId(deadId, id))))).filter((c) => c !== undefined);
  const healthySamples = (await Promise.all(sample(healthyIds).map((id) => historyCost(client, deliveryWorkflowId(healthyId, id))))).filter((c) => c !== undefined);
  const of = (endpointId: string): string => `EndpointId = '${endpointId}' AND WorkflowType = 'deliveryWorkflow'`;
  const dlq = await executionsCost(client, `WorkflowId = '${deadLetterWorkflowId(deadId)}'`, LIST_LIMIT);
  const circuit = await executionsCost(client, `WorkflowId = '${circuitWorkflowId(deadId)}'`, LIST_LIMIT);
  const profile: DeadNeighbourResult['profile'] = {
    deadDelivery: meanCost(deadSamples),
    healthyDelivery: meanCost(healthySamples),
    deadSamples,
    deadDeliveries: await executionsCost(client, of(deadId), LIST_LIMIT),
    healthyDeliveries: await executionsCost(client, of(healthyId), LIST_LIMIT),
    deadLetterWorkflow: { ...dlq, latest: await historyCost(client, deadLetterWorkflowId(deadId)) },
    circuitWorkflow: { ...circuit, latest: await historyCost(client, circuitWorkflowId(deadId)) },
    cpuMsPerDeadDelivery: extraPerDead(alone, withDead, deadAccepted),
    cpuMsPerHealthyDelivery: perUnit(alone.cpu, alone.healthyDelivered),
  };
  const rateRatio = ratio(withDead.sustained.deliveredPerSec, alone.sustained.deliveredPerSec);
  const p99Ratio = ratio(withDead.paced.latencyMs.p99, alone.paced.latencyMs.p99);
  return {
    messagesPerMeasurement: count,
    rate,
    concurrency: ctx.settings.concurrency,
    schedule: FAST_SCHEDULE,
    alone,
    withDead,
    ratios: { sustainedRate: rateRatio, p50: ratio(withDead.paced.latencyMs.p50, alone.paced.latencyMs.p50), p99: p99Ratio },
    targets: {
      rateRatioAtLeast: RATE_RATIO_TARGET,
      p99RatioAtMost: P99_RATIO_TARGET,
      rateMet: rateRatio !== null && rateRatio >= RATE_RATIO_TARGET,
      p99Met: p99Ratio !== null && p99Ratio <= P99_RATIO_TARGET,
    },
    dead: {
      accepted: deadAccepted,
      deadLetters: state.deadLetters,
      deadLettersQueried: await queriedDeadLetters(ctx, deadId),
      attempts: state.attempts,
      parked: state.parked,
      settleSeconds,
    },
    profile,
    peakRssMb: { api: peak.api ?? 0, worker: peak.worker ?? 0 },
  };
}
