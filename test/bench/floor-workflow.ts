import { proxyActivities } from '@temporalio/workflow';
import type { createFloorActivities, FloorInput } from './floor-activities';

// The same activity options as a delivery's HTTP attempt with the default 15 s timeout.
const { noop } = proxyActivities<ReturnType<typeof createFloorActivities>>({
  startToCloseTimeout: '25 seconds',
  retry: { maximumAttempts: 6, initialInterval: '1 second' },
});

/** The Temporal floor: a workflow that runs one no-op activity and returns. */
export async function floorWorkflow(input: FloorInput): Promise<void> {
  await noop(input);
}
