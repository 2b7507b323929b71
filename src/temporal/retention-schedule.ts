import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import type { RetentionSettings } from '../config';
import type { retentionWorkflow, RetentionInput } from '../../workflows/retention.workflow';


/** How often the retention workflow runs. */
const EVERY = '1 hour';
/** Pause between two deletion batches. */
const PAUSE_MS = 200;

/** The retention schedule of the deployment whose workers poll `taskQueue`: one per task queue. */
export function retentionScheduleId(taskQueue: string): string {
  return `retention-${taskQueue}`;
}

/** The retention workflow's settings, as the schedule passes them. */
export function retentionInput(retention: RetentionSettings): RetentionInput {
  return { retentionMs: retention.periodMs, batchSize: retention.batchSize, pauseMs: PAUSE_MS };
}

function action(taskQueue: string, input: RetentionInput): ScheduleOptionsStartWorkflowAction<typeof retentionWorkflow> {
  return { type: 'startWorkflow', workflowType: 'retentionWorkflow', workflowId: retentionScheduleId(taskQueue), taskQueue, args: [input] };
}

/**
 * Makes sure the retention schedule exists, with this worker's settings. Every worker calls it at start;
 * the first creates the schedule, the others find it (and bring its arguments up to date when the settings
 * changed). The fixed ID makes it one schedule across all workers, and the SKIP overlap policy one run at a
 * time. It shows in the Web UI under Schedules.
 * @returns what it did.
 */
export async function ensureRetentionSchedule(
  client: Client,
  taskQueue: string,
  retention: RetentionSettings,
): Promise<'created' | 'updated' | 'unchanged'> {
  const scheduleId = retentionScheduleId(taskQueue);
  const input = retentionInput(retention);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: EVERY }] },
      action: action(taskQueue, input),
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = client.schedule.getHandle(scheduleId);
  const described = await handle.describe();
  const current = described.action.type === 'startWorkflow' ? described.action.args : undefined;
  if (JSON.stringify(current) === JSON.stringify([input])) return 'unchanged';
  await handle.update<typeof retentionWorkflow>((previous) => ({
    spec: previous.spec,
    policies: previous.policies,
    state: previous.state,
    action: action(taskQueue, input),
  }));
  return 'updated';
}
