import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/** How a {@link StartGate} decides. */
export interface StartGateSettings {
  /** Workflow tasks that may wait in the task queue; past it, no more bulk starts until workers catch up. */
  maxWaitingTasks: number;
  /** How long one reading serves; what was granted since the last reading counts against the bound. */
  readingTtlMs: number;
  /** The longest a reading may take. */
  readTimeoutMs: number;
  /** After failed readings, how long the last good one still holds before the gate opens. */
  keepOnFailureMs: number;
}

/** The bound every process uses: a couple of seconds of work for the workers of a small deployment. */
export const START_GATE_SETTINGS: StartGateSettings = { maxWaitingTasks: 100, readingTtlMs: 250, readTimeoutMs: 2_000, keepOnFailureMs: 10_000 };

/** Reads a task queue's workflow-task backlog, as Temporal counts it (approximately; 0 when not reported). */
export type BacklogReader = () => Promise<number>;

/** The reader for `taskQueue` through `client`, each reading bounded by `timeoutMs`. */
export function workflowTaskBacklog(client: Client, taskQueue: string, timeoutMs = START_GATE_SETTINGS.readTimeoutMs): BacklogReader {
  return async () => {
    const { stats } = await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        reportStats: true,
      }),
    );
    const count = stats?.approximateBacklogCount;
    return count == null ? 0 : Number(count);
  };
}

/**
 * Decides how many deliveries may be handed to Temporal now, from the workflow tasks already waiting for a
 * worker. What Hookway starts in bulk (the outbox after a burst, a circuit's parked deliveries once it
 * closes) asks it first, so a backlog waits in PostgreSQL, where waiting is cheap, rather than in Temporal's
 * task queue, where thousands of waiting tasks cost the server more than the workflows do and every new
 * message queues behind them.
 *
 * The reading is refreshed in the background, never waited for; until it lands, what this process was
 * granted since the last one counts as waiting, so one process hands over at most the bound per reading.
 * The figure itself is the server's, refreshed every `matching.TaskQueueInfoByBuildIdTTL` (Hookway's
 * servers: 500 ms), so the backlog can pass the bound by what the processes start within that time.
 */
export class StartGate {
  private reading: { waiting: number; at: number } | undefined;
  private granted = 0;
  private lastTry = 0;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly read: BacklogReader,
    private readonly settings: StartGateSettings = START_GATE_SETTINGS,
  ) {}

  /** Grants up to `wanted` starts under the bound; give back with {@link unused} what is not started. */
  room(wanted: number): number {
    if (Date.now() - this.lastTry >= this.settings.readingTtlMs) this.refresh();
    const room = Math.max(0, Math.min(wanted, this.settings.maxWaitingTasks - (this.reading?.waiting ?? 0) - this.granted));
    this.granted += room;
    return room;
  }

  /** Returns `count` granted starts that were not made (a claim found fewer rows, a start failed). */
  unused(count: number): void {
    this.granted = Math.max(0, this.granted - count);
  }

  private refresh(): void {
    if (this.pending) return;
    this.lastTry = Date.now();
    this.pending = this.read().then(
      (waiting) => {
        this.reading = { waiting, at: Date.now() };
        this.granted = 0;
        this.pending = undefined;
      },
      () => {
        // The last good reading holds for a while (a throttled or slow server is when it matters most);
        // after that the gate opens, and the starts themselves find out whether Temporal is there.
        if (!this.reading || Date.now() - this.reading.at >= this.settings.keepOnFailureMs) {
          this.reading = undefined;
          this.granted = 0;
        }
        this.pending = undefined;
      },
    );
  }
}
