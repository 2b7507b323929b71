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
  keptUp: boolean;
}

/** The highest paced rate, among those tried, that the system kept up with for the whole window. */
export interface SustainedResult {
  /** Deliveries (floor: workflows) completed per second over the window of the run that kept up; 0 when none did. */
  deliveredPerSec: number;
  seconds: number;
  tries: SustainedTry[];
  /** CPU over the kept-up run's window. */
  cpu: CpuUsage | null;
  cpuMsPerDelivery: CpuMsPerDelivery | null;
}

// Each try offers this fraction of the rate of the try before that fell behind.
const STEP_DOWN = 0.8;
const MAX_TRIES = 4;
// Kept up: at the end no more outstanding than this many seconds of the offered rate (and a small floor for
// slow rates), i.e. accepted minus delivered stayed bounded instead of growing with the run's length.
const KEPT_UP_SECONDS = 2;
const KEPT_UP_MIN = 20;

/** CPU ms per completed unit, by the groups the issue names (bench, floor worker and others left out). */
export function cpuMsPer(cpu: CpuUsage, units: number, worker: 'worker' | 'floorWorker' = 'worker'): CpuMsPerDelivery | null {
  if (units === 0) return null;
  const ms = (seconds: number | undefined): number => Math.round(((seconds ?? 0) * 1000 * 100) / units) / 100;
  const parts = { temporal: ms(cpu.groups.temporal), worker: ms(cpu.groups[worker]), api: ms(cpu.groups.api), postgres: ms(cpu.groups.postgres) };
  return { total: Math.round((parts.temporal + parts.worker + parts.api + parts.postgres) * 100) / 100, ...parts };
}

/**
 * Offers `offer(n)` at a paced rate for `seconds`, starting at `startRate`, and steps the rate down until a
 * run keeps up: what it completed (as `completed()` counts) stays within a couple of seconds of what it was
 * offered. Each try waits for the last one's stragglers first, so runs do not overlap.
 */
async function findSustained(
  ctx: BenchContext,
  startRate: number,
  offer: (tryIndex: number, n: number) => Promise<boolean>,
  completed: (tryIndex: number) => Promise<number>,
  worker: 'worker' | 'floorWorker',
): Promise<SustainedResult> {
  const seconds = ctx.settings.sustainedSeconds;
  const tries: SustainedTry[] = [];
  let rate = Math.max(1, startRate);
  for (let index = 0; index < MAX_TRIES; index += 1) {
    let offered = 0;
    const [window, cpu] = await withCpu(ctx, async () => {
      const startedAt = performance.now();
      const load = await pacedLoop({ rate, seconds }, async (n) => {
        const ok = await offer(index, n);
        if (ok) offered += 1;
        return ok;
      });
      return { startedAt, endedAt: load.endedAt, done: await completed(index) };
    });
    const outstanding = offered - window.done;
    const keptUp = outstanding <= Math.max(KEPT_UP_MIN, rate * KEPT_UP_SECONDS);
    const deliveredPerSec = perSecond(window.done, window.endedAt - window.startedAt);
    tries.push({ offeredPerSec: Math.round(rate * 10) / 10, deliveredPerSec, outstandingAtEnd: outstanding, keptUp });
    ctx.say(`  sustained at ${Math.round(rate)}/s: ${deliveredPerSec}/s completed, ${outstanding} outstanding at the end${keptUp ? '' : ' (fell behind)'}`);
    // The stragglers of this try finish before the next one (or the next phase) starts.
    const deadline = Date.now() + ctx.settings.drainTimeoutSeconds * 1000;
    while (Date.now() < deadline && (await completed(index)) < offered) await sleep(500);
    if (keptUp) return { deliveredPerSec, seconds, tries, cpu, cpuMsPerDelivery: cpuMsPer(cpu, window.done, worker) };
    rate *= STEP_DOWN;
  }
  return { deliveredPerSec: 0, seconds, tries, cpu: null, cpuMsPerDelivery: null };
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
    'floorWorker',
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
    'worker',
  );
}
