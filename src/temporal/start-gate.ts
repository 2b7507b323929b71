import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** How a {@link StartGate} decides. */
export interface StartGateSettings {
  /** Workflow tasks that may wait in the task queue; past it, no more starts until workers catch up. */
  maxWaitingTasks: number;
  /** How long one reading of the backlog serves (the servers Hookway starts refresh theirs every second). */
  readingTtlMs: number;
}

/** The bound every process uses: a couple of seconds of work for the workers of a small deployment. */
export const START_GATE_SETTINGS: StartGateSettings = { maxWaitingTasks: 100, readingTtlMs: 250 };

/** Reads a task queue's workflow-task backlog, as Temporal counts it (approximately; 0 when not reported). */
export type BacklogReader = () => Promise<number>;

/** The reader for `taskQueue` through `client`. */
export function workflowTaskBacklog(client: Client, taskQueue: string): BacklogReader {
  return async () => {
    const { stats } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    const count = stats?.approximateBacklogCount;
    return count == null ? 0 : Number(count);
  };
}

/**
 * Decides how many deliveries may be handed to Temporal now, from the workflow tasks already waiting for a
 * worker. What Hookway starts in bulk (the outbox after a burst, a circuit's parked deliveries once it
 * closes) asks it first, so a backlog waits in PostgreSQL, where waiting is cheap, rather than in Temporal's
 * task queue, where thousands of waiting tasks cost the server more than the workflows do and every new
 * message queues behind them. Starts a producer waits on are never held back here.
 */
export class StartGate {
  private reading: { waiting: number; at: number } | undefined;
  private pending: Promise<number> | undefined;

  constructor(
    private readonly read: BacklogReader,
    private readonly settings: StartGateSettings = START_GATE_SETTINGS,
  ) {}

  /**
   * How many of `wanted` starts fit under the bound, by the latest reading. A stale reading is refreshed
   * in the background rather than waited for, so a start never waits on the look; until the first reading
   * arrives, and after a failed one, there is room: the starts themselves then tell whether Temporal is there.
   */
  async room(wanted: number): Promise<number> {
    if (!this.reading || Date.now() - this.reading.at >= this.settings.readingTtlMs) this.refresh();
    const waiting = this.reading?.waiting ?? 0;
    return Math.max(0, Math.min(wanted, this.settings.maxWaitingTasks - waiting));
  }

  private refresh(): void {
    this.pending ??= this.read()
      .catch(() => 0)
      .then((waiting) => {
        this.reading = { waiting, at: Date.now() };
        this.pending = undefined;
        return waiting;
      });
  }
}
