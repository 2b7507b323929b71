import { performance } from 'node:perf_hooks';
import type { floorWorkflow } from './floor-workflow';
import { messageId, withCpu, type BenchContext } from './context';
import { pacedLoop } from './load';
import type { CpuUsage } from './proc-stats';
import { perSecond, sleep } from './stats';

/** CPU milliseconds per delivery (floor: per workflow), by process group, and their sum. */
export interface CpuMsPerDelivery {
  total: number;
  temporal: number;
  worker: number;
  api: number;
  postgres: number;
}

/** One paced run of a sustained measurement. */
export interface SustainedTry {
  offeredPerSec: number;
  /** Completed per second over the run's window (arrivals at the receiver; floor: closed workflows). */
  deliveredPerSec: number;
  /** Offered but not yet completed, at the end of the window. */
  outstandingAtEnd: number;
  /** Offers refused (POST not 202, start failed): any beyond 1 % means it did not keep up. */
  refused: number;
  keptUp: boolean;
}

/** The highest paced rate, among those tried, that the system kept up with for the whole window. */
export interface SustainedResult {
  /** Deliveries (floor: workflows) completed per second over the window of the run that kept up; 0 when none did. */
  deliveredPerSec: number;
  seconds: number;
  tries: SustainedTry[];
  /** CPU of the kept-up run, from its first offer until its last completion. */
  cpu: CpuUsage | null;
  /** That CPU over everything the run completed. */
  cpuMsPerDelivery: CpuMsPerDelivery | null;
}

// Each try after one that fell behind offers this fraction of its rate, and after the first that keeps up,
// one more try halfway back up narrows the step; when the very first keeps up, each next one offers the
// rate over this fraction instead, until one falls behind.
const STEP_DOWN = 0.8;
const MAX_TRIES = 4;
// Kept up: at the end no more outstanding than this many seconds of the offered rate (and a small floor for
// slow rates), i.e. accepted minus delivered stayed bounded instead of growing with the run's length.
const KEPT_UP_SECONDS = 2;
const KEPT_UP_MIN = 20;
const MAX_REFUSED = 0.01;

/**
 * CPU ms per completed unit, by the groups the issue names. `floor`: the floor uses neither Hookway's
 * API nor PostgreSQL, so only Temporal and its own worker count (what Hookway's idle processes spend
 * meanwhile is not the floor's).
 */
export function cpuMsPer(cpu: CpuUsage, units: number, kind: 'hookway' | 'floor'): CpuMsPerDelivery | null {
  if (units === 0) return null;
  const ms = (seconds: number | undefined): number => Math.round(((seconds ?? 0) * 1000 * 100) / units) / 100;
  const parts =
    kind === 'floor'
      ? { temporal: ms(cpu.groups.temporal), worker: ms(cpu.groups.floorWorker), api: 0, postgres: 0 }
      : { temporal: ms(cpu.groups.temporal), worker: ms(cpu.groups.worker), api: ms(cpu.groups.api), postgres: ms(cpu.groups.postgres) };
  return { total: Math.round((parts.temporal + parts.worker + parts.api + parts.postgres) * 100) / 100, ...parts };
}

interface TryOutcome {
  entry: SustainedTry;
  cpu: CpuUsage;
  completedInAll: number;
}

/**
 * Offers `offer(n)` at a paced rate for `seconds`, starting at `startRate`, and finds the highest rate of
 * those tried at which a run keeps up: what it completed (as `completed()` counts) stays within a couple of
 * seconds of what it was offered. Each try waits for its stragglers, so runs do not overlap.
 */
async function findSustained(
  ctx: BenchContext,
  startRate: number,
  offer: (tryIndex: number, n: number) => Promise<boolean>,
  completed: (tryIndex: number) => Promise<number>,
  kind: 'hookway' | 'floor',
): Promise<SustainedResult> {
  const seconds = ctx.settings.sustainedSeconds;
  const tries: SustainedTry[] = [];
  const runTry = async (index: number, rate: number): Promise<TryOutcome> => {
    let offered = 0;
    let refused = 0;
    const [run, cpu] = await withCpu(ctx, async () => {
      const startedAt = performance.now();
      const load = await pacedLoop({ rate, seconds }, async (n) => {
        const ok = await offer(index, n);
        if (ok) offered += 1;
        else refused += 1;
        return ok;
      });
      const done = await completed(index);
      // The stragglers finish inside the CPU window, so the CPU divides by everything this try completed.
      const deadline = Date.now() + ctx.settings.drainTimeoutSeconds * 1000;
      let all = done;
      while (Date.now() < deadline && all < offered) {
        await sleep(250);
        all = await completed(index);
      }
      return { startedAt, endedAt: load.endedAt, done, all };
    });
    const outstanding = offered - run.done;
    const keptUp = outstanding <= Math.max(KEPT_UP_MIN, rate * KEPT_UP_SECONDS) && refused <= MAX_REFUSED * (offered + refused);
    const entry = { offeredPerSec: Math.round(rate * 10) / 10, deliveredPerSec: perSecond(run.done, run.endedAt - run.startedAt), outstandingAtEnd: outstanding, refused, keptUp };
    tries.push(entry);
    ctx.say(`  sustained at ${Math.round(rate)}/s: ${entry.deliveredPerSec}/s completed, ${outstanding} outstanding at the end, ${refused} refused${keptUp ? '' : ' (fell behind)'}`);
    return { entry, cpu, completedInAll: run.all };
  };
  let rate = Math.max(1, startRate);
  let best: TryOutcome | undefined;
  const first = await runTry(0, rate);
  if (first.entry.keptUp) {
    // Kept up at once: the burst understated it, so step up until a try falls behind.
    best = first;
    for (let index = 1; index < MAX_TRIES; index += 1) {
      rate /= STEP_DOWN;
      const outcome = await runTry(index, rate);
      if (!outcome.entry.keptUp) break;
      best = outcome;
    }
  } else {
    for (let index = 1; index < MAX_TRIES && !best; index += 1) {
      rate *= STEP_DOWN;
      const outcome = await runTry(index, rate);
      if (!outcome.entry.keptUp) continue;
      best = outcome;
      // Halfway back towards the rate that fell behind, once.
      const higher = await runTry(index + 1, (rate + rate / STEP_DOWN) / 2);
      if (higher.entry.keptUp) best = higher;
    }
  }
  if (!best) return { deliveredPerSec: 0, seconds, tries, cpu: null, cpuMsPerDelivery: null };
  return { deliveredPerSec: best.entry.deliveredPerSec, seconds, tries, cpu: best.cpu, cpuMsPerDelivery: cpuMsPer(best.cpu, best.completedInAll, kind) };
}

/** The Temporal floor workflow, started at a paced rate on the floor's task queue. */
export async function runSustainedFloor(ctx: BenchContext, startRate: number): Promise<SustainedResult> {
  const { client } = ctx.stack.temporalClient;
  const taskQueue = ctx.stack.floorTaskQueue;
  const prefix = (index: number): string => messageId(ctx, `sfloor${index}`, 0).slice(0, -1);
  return findSustained(
    ctx,
    startRate,
    async (index, n) => {
      try {
        await client.workflow.start<typeof floorWorkflow>('floorWorkflow', { taskQueue, workflowId: `${prefix(index)}${n}`, args: [{ n }] });
        return true;
      } catch {
        return false;
      }
    },
    async (index) =>
      (await client.workflow.count(`TaskQueue = "${taskQueue}" AND ExecutionStatus = "Completed" AND WorkflowId STARTS_WITH "${prefix(index)}"`)).count,
    'floor',
  );
}

/** Hookway: single messages to one endpoint (fan-out 1) at a paced rate, counted at the receiver. */
export async function runSustainedHookway(ctx: BenchContext, label: string, eventType: string, startRate: number): Promise<SustainedResult> {
  const ids: Set<string>[] = [];
  return findSustained(
    ctx,
    startRate,
    async (index, n) => {
      const id = messageId(ctx, `sus${index}`, n);
      (ids[index] ??= new Set()).add(id);
      return ctx.api.send(id, eventType);
    },
    async (index) => {
      let done = 0;
      const delivered = ctx.receiver.route(label).delivered;
      for (const id of ids[index] ?? []) if (delivered.has(id)) done += 1;
      return done;
    },
    'hookway',
  );
}
