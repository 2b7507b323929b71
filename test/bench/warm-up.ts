import type { floorWorkflow } from './floor-workflow';
import { messageId, type BenchContext } from './context';
import { drain, endpoints } from './hookway-throughput';
import { closedLoop } from './load';
import { sleep } from './stats';

/** Workflows (and messages) each pipeline runs before anything is measured. */
const WARM_UP_COUNT = 40;

/**
 * Runs a few floor workflows and a few Hookway deliveries, unmeasured, so neither the first measured
 * phase (the floor) nor Hookway pays alone for a fresh dev server, fresh SQLite and PostgreSQL files,
 * and workers whose workflow sandboxes and connection pools are still cold.
 */
export async function warmUp(ctx: BenchContext): Promise<void> {
  const { client } = ctx.stack.temporalClient;
  const taskQueue = ctx.stack.floorTaskQueue;
  const [route] = await endpoints(ctx, 'warmup', 'bench.warmup', 1);
  const options = { concurrency: Math.min(8, ctx.settings.concurrency), seconds: 30, count: WARM_UP_COUNT };
  const handles = await Promise.all([
    closedLoop(options, async (n) => {
      await client.workflow.start<typeof floorWorkflow>('floorWorkflow', { taskQueue, workflowId: messageId(ctx, 'warmup', n), args: [{ n }] });
      return true;
    }),
    closedLoop(options, (n) => ctx.api.send(messageId(ctx, 'warmup', n), 'bench.warmup')),
  ]);
  const query = `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Completed"`;
  const deadline = Date.now() + ctx.settings.drainTimeoutSeconds * 1000;
  while (Date.now() < deadline && (await client.workflow.count(query)).count < handles[0].ok) await sleep(250);
  await drain(ctx, [route]);
}
