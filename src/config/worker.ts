import { readBool, readDuration, readInt, type Env } from './env';

/** How much one worker process takes on. */
export interface WorkerSettings {
  /**
   * `HOOKWAY_MAX_CONCURRENT_ACTIVITIES`: first attempts (local activities) one worker runs at once, and as
   * many retries and bookkeeping activities. @default 100
   */
  maxConcurrentActivities: number;
  /**
   * `HOOKWAY_MAX_CACHED_WORKFLOWS`: workflows one worker keeps in memory between their tasks. Deliveries
   * waiting for a retry wait in Temporal; past this many the worker replays them when they wake, so its
   * memory stays flat however many wait. 0 keeps none: every task replays its workflow's history. @default 500
   */
  maxCachedWorkflows: number;
  /** `HOOKWAY_ORPHAN_SWEEP_INTERVAL`: how often workers look for stored deliveries whose workflow never started. @default 30s */
  orphanSweepIntervalMs: number;
  /**
   * `HOOKWAY_EAGER_START`: in a process that runs a worker, the delivery workflows it starts ask Temporal
   * to hand their first task straight back to that worker with the start call (eager workflow start)
   * instead of through the matching service: one round trip less before the first attempt. The server
   * must allow it (`system.enableEagerWorkflowStart`, set by `npm start` and docker-compose.yml); an
   * API-only process always starts through matching. @default true
   */
  eagerStart: boolean;
}

/** Reads {@link WorkerSettings}. */
export function readWorkerSettings(env: Env): WorkerSettings {
  return {
    maxConcurrentActivities: readInt(env, 'HOOKWAY_MAX_CONCURRENT_ACTIVITIES', 100, 1, 10_000),
    maxCachedWorkflows: readInt(env, 'HOOKWAY_MAX_CACHED_WORKFLOWS', 500, 0, 100_000),
    orphanSweepIntervalMs: readDuration(env, 'HOOKWAY_ORPHAN_SWEEP_INTERVAL', 30_000, 100),
    eagerStart: readBool(env, 'HOOKWAY_EAGER_START', true),
  };
}
