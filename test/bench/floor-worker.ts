/**
 * Child process of the Temporal-floor run: a worker for {@link floorWorkflow} and its no-op activity, on
 * its own task queue with the same activity slots and workflow cache bound as Hookway's worker. Stops on SIGTERM.
 * Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, BENCH_FLOOR_TASK_QUEUE, BENCH_ACTIVITY_SLOTS.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { createFloorActivities } from './floor-activities';

async function main(): Promise<void> {
  // Quiet like Hookway's worker, which forwards only warnings from the SDK.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  try {
    const worker = await Worker.create({
      connection,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: process.env.BENCH_FLOOR_TASK_QUEUE ?? 'hookway-bench-floor',
      workflowsPath: require.resolve('./floor-workflow'),
      activities: createFloorActivities(),
      maxConcurrentActivityTaskExecutions: Number(process.env.BENCH_ACTIVITY_SLOTS ?? 100),
      maxCachedWorkflows: loadConfig(process.env).worker.maxCachedWorkflows,
    });
    const stop = (): void => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`floor worker failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
