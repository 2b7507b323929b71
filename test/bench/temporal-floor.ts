import type { floorWorkflow } from './floor-workflow';
import { messageId, withCpu, type BenchContext } from './context';
import { closedLoop } from './load';
import type { CpuUsage } from './proc-stats';
import { perSecond, sleep } from './stats';

/** The Temporal floor: what Temporal itself allows for a one-activity workflow on this machine. */
export interface TemporalFloorResult {
  /** Workflows completed per second, from the first start to the last completion. */
  perSec: number;
  /** Workflows started per second while starting. */
  startedPerSec: number;
  /** Workflows completed per second while starts were still being made. */
  completedDuringLoadPerSec: number;
  started: number;
  completed: number;
  /** Seconds from the last start until the last workflow completed. */
  drainSeconds: number;
  concurrency: number;
  /** CPU over the starts and the drain: divide by `completed` for the cost of one workflow. */
  cpu: CpuUsage;
}

/**
 * Starts `floorWorkflow` with the bench's Temporal client (`client.workflow.start`, the call Hookway's
 * API makes) from `BENCH_CONCURRENCY` callers until `BENCH_MAX_DELIVERIES` have started or
 * `BENCH_SECONDS` passed, on the floor's own task queue, whose worker has Hookway's activity slots.
 * The rate is the whole batch over first start to last completion (times from Temporal's visibility):
 * under a flood of starts Temporal completes few workflows until the starts stop, so a rate taken only
 * while starting would understate what it sustains, and one taken only afterwards would overstate it.
 */
export async function runTemporalFloor(ctx: BenchContext): Promise<TemporalFloorResult> {
  const { client } = ctx.stack.temporalClient;
  const taskQueue = ctx.stack.floorTaskQueue;
  const { concurrency, seconds, maxDeliveries, drainTimeoutSeconds } = ctx.settings;
  const prefix = messageId(ctx, 'floor', 0).slice(0, -1);
  const query = `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Completed" AND WorkflowId STARTS_WITH "${prefix}"`;
  const wallStart = Date.now();
  const [load, cpu] = await withCpu(ctx, async () => {
    const result = await closedLoop({ concurrency, seconds, count: maxDeliveries }, async (n) => {
      try {
        await client.workflow.start<typeof floorWorkflow>('floorWorkflow', { taskQueue, workflowId: messageId(ctx, 'floor', n), args: [{ n }] });
        return true;
      } catch {
        return false;
      }
    });
    const deadline = Date.now() + drainTimeoutSeconds * 1000;
    while (Date.now() < deadline && (await client.workflow.count(query)).count < result.ok) await sleep(250);
    return result;
  });
  const wallEnd = wallStart + (load.endedAt - load.startedAt);
  const closeTimes: number[] = [];
  for await (const workflow of client.workflow.list({ query })) {
    if (workflow.closeTime) closeTimes.push(workflow.closeTime.getTime());
  }
  const lastClose = closeTimes.reduce((last, t) => Math.max(last, t), wallEnd);
  return {
    perSec: perSecond(closeTimes.length, lastClose - wallStart),
    startedPerSec: perSecond(load.ok, wallEnd - wallStart),
    completedDuringLoadPerSec: perSecond(closeTimes.filter((t) => t < wallEnd).length, wallEnd - wallStart),
    started: load.ok,
    completed: closeTimes.length,
    drainSeconds: Math.round((lastClose - wallEnd) / 100) / 10,
    concurrency,
    cpu,
  };
}
