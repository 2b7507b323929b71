import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { HookwayActivities } from './activity-contract';
import { RETENTION_STAGES, type RetentionCursor, type RetentionStage } from './definitions';

// One batch is one short statement or transaction; a batch that fails (PostgreSQL away) is tried again.
const { retentionBatch } = proxyActivities<HookwayActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** How a retention run works, from the worker's configuration (the schedule's arguments). */
export interface RetentionInput {
  /** How long a done message is kept, in ms (`HOOKWAY_RETENTION`). */
  retentionMs: number;
  /** Rows per batch (`HOOKWAY_RETENTION_BATCH_SIZE`). */
  batchSize: number;
  /** Pause between two batches, in ms, so deleting never crowds out deliveries. */
  pauseMs: number;
  /** Set when a run continues as new: what it has done so far. */
  progress?: RetentionProgress;
}

/** How far a run got. */
export interface RetentionProgress {
  /** Everything done before this instant (ISO-8601) may go; fixed for the whole run. */
  cutoff: string;
  stage: RetentionStage;
  cursor: RetentionCursor;
  deleted: Record<RetentionStage, number>;
  batches: number;
}

/** What a run deleted, shown as the workflow's result in the Web UI. */
export type RetentionResult = Omit<RetentionProgress, 'stage' | 'cursor'>;

/**
 * Deletes what the retention period lets go (see `RetentionRepository`): resolved dead letters, expired
 * messages with their deliveries and attempts, then ordering streams left without deliveries. Started by
 * the retention schedule; one batch per activity with a pause between, each stage until it reports done.
 */
export async function retentionWorkflow(input: RetentionInput): Promise<RetentionResult> {
  const progress: RetentionProgress = input.progress ?? {
    cutoff: new Date(workflowInfo().startTime.getTime() - input.retentionMs).toISOString(),
    stage: RETENTION_STAGES[0],
    cursor: undefined,
    deleted: { dead_letters: 0, messages: 0, streams: 0 },
    batches: 0,
  };
  for (let index = RETENTION_STAGES.indexOf(progress.stage); index < RETENTION_STAGES.length; index += 1) {
    progress.stage = RETENTION_STAGES[index];
    for (;;) {
      if (workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof retentionWorkflow>({ ...input, progress });
      }
      const batch = await retentionBatch(progress.stage, progress.cutoff, progress.cursor, input.batchSize);
      progress.deleted[progress.stage] += batch.deleted;
      progress.batches += 1;
      progress.cursor = batch.cursor;
      if (batch.done) break;
      await sleep(input.pauseMs);
    }
    progress.cursor = undefined;
  }
  return { cutoff: progress.cutoff, deleted: progress.deleted, batches: progress.batches };
}
