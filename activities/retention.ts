import type { RetentionRepository } from '../src/db/retention.repository';
import type { RetentionBatchResult, RetentionCursor, RetentionStage } from '../workflows/definitions';

/** The retention workflow's activity, over the retention repository. */
export function createRetentionActivities(retention: RetentionRepository) {
  return {
    /** Deletes one batch of `stage`'s rows that expired before `cutoff` (ISO-8601), from `cursor` on. */
    async retentionBatch(stage: RetentionStage, cutoff: string, cursor: RetentionCursor, limit: number): Promise<RetentionBatchResult> {
      const before = new Date(cutoff);
      switch (stage) {
        case 'dead_letters':
          return retention.deleteResolvedDeadLetters(before, limit);
        case 'messages':
          return retention.deleteExpiredMessages(before, cursor, limit);
        case 'streams':
          return retention.deleteIdleStreams(cursor, limit);
      }
    },
  };
}
