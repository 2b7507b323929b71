import { readDuration, readInt, type Env } from './env';

/** How long finished work is kept. */
export interface RetentionSettings {
  /**
   * `HOOKWAY_RETENTION`: how long a message is kept once every delivery of it is done (succeeded, or
   * dead-lettered and that dead letter resolved); then it goes with its deliveries and attempts. Resolved
   * dead letters, idle ordering streams and the Temporal namespace's closed workflows follow the same
   * period. Pending deliveries and open dead letters are never deleted. @default 30d
   */
  periodMs: number;
  /** `HOOKWAY_RETENTION_BATCH_SIZE`: messages (or dead letters, or streams) deleted per statement. @default 1000 */
  batchSize: number;
}

/** Reads {@link RetentionSettings}. */
export function readRetentionSettings(env: Env): RetentionSettings {
  return {
    periodMs: readDuration(env, 'HOOKWAY_RETENTION', 30 * 86_400_000, 1_000),
    batchSize: readInt(env, 'HOOKWAY_RETENTION_BATCH_SIZE', 1000, 1, 100_000),
  };
}
