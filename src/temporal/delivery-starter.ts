import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { deliveryWorkflow } from '../../workflows/delivery.workflow';
import {
  ApplicationIdSearchAttribute,
  DEFAULT_APPLICATION_ID,
  deliveryFairnessKey,
  EndpointIdSearchAttribute,
  EventTypeSearchAttribute,
  MessageIdSearchAttribute,
  type DeliveryInput,
} from '../../workflows/definitions';

/** What the memo shows in the Web UI next to each delivery. */
export interface DeliveryMemo {
  endpointUrl: string;
  eventType: string;
}

// How often restart() looks whether a run in progress has closed, and how many runs it follows at most.
const CLOSE_POLL_MS = 100;
const MAX_RESTART_TRIES = 5;
const LISTABLE_ID = /^[A-Za-z0-9_.:-]+$/;
const IDS_PER_QUERY = 100;

/**
 * What asking for another run of a delivery did: `started` a new run; found a run `running` (its id says
 * which); found that the last run `completed` (delivered); or `resolved`, when `reopen` found the dead
 * letter resolved meanwhile and nothing was started.
 */
export type RestartOutcome =
  | { outcome: 'started' | 'completed' | 'resolved' }
  | { outcome: 'running'; runId: string };

/** How a {@link DeliveryStarter} starts workflows. */
export interface StarterOptions {
  /** How long {@link DeliveryStarter.restart} waits for a run in progress to close before answering `running`. @default 5000 */
  closeGraceMs?: number;
  /**
   * Ask Temporal to hand each new workflow's first task straight back to this process's worker (eager
   * workflow start); the client must share that worker's native connection. @default false
   */
  eager?: boolean;
  /** Called after each workflow this starter started, with whether it started eagerly. */
  onStarted?: (eagerly: boolean) => void;
}

/**
 * Starts delivery workflows. The workflow ID is the idempotency key: a first start for an ID that already
 * ran or runs is a no-op, and a restart only ever follows a run that did not succeed.
 */
export class DeliveryStarter {
  private readonly closeGraceMs: number;
  private readonly eager: boolean;
  private readonly onStarted: (eagerly: boolean) => void;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    options: StarterOptions = {},
  ) {
    this.closeGraceMs = options.closeGraceMs ?? 5_000;
    this.eager = options.eager ?? false;
    this.onStarted = options.onStarted ?? (() => undefined);
  }

  private options(workflowId: string, input: DeliveryInput, memo: DeliveryMemo): WorkflowStartOptions<typeof deliveryWorkflow> {
    return {
      workflowId,
      taskQueue: this.taskQueue,
      args: [input],
      // Workflow tasks, like attempts, are dispatched fairly across applications' endpoints.
      priority: { fairnessKey: deliveryFairnessKey(input) },
      typedSearchAttributes: [
        { key: ApplicationIdSearchAttribute, value: input.applicationId ?? DEFAULT_APPLICATION_ID },
        { key: EndpointIdSearchAttribute, value: input.endpointId },
        { key: EventTypeSearchAttribute, value: input.eventType },
        { key: MessageIdSearchAttribute, value: input.messageId },
      ],
      memo: { ...memo },
      staticSummary: `${input.eventType} → ${memo.endpointUrl}`,
      requestEagerStart: this.eager,
    };
  }

  /**
   * Starts the delivery unless its workflow exists (running or closed).
   * @returns true when this call started it.
   */
  async start(workflowId: string, input: DeliveryInput, memo: DeliveryMemo): Promise<boolean> {
    try {
      const handle = await this.client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
        ...this.options(workflowId, input, memo),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      this.onStarted(handle.eagerlyStarted);
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  /**
   * Which of these workflow IDs have a run, running or closed, by one visibility query per 100 IDs rather
   * than a call per ID. Visibility may lag a start by a moment, so an ID missing here may still exist:
   * {@link start} stays the authority, this only saves asking about the many that surely do.
   */
  async existing(workflowIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    // Only IDs that need no quoting go into the query (message IDs are [A-Za-z0-9_.:-] anyway).
    const listable = workflowIds.filter((id) => LISTABLE_ID.test(id));
    for (let i = 0; i < listable.length; i += IDS_PER_QUERY) {
      const ids = listable.slice(i, i + IDS_PER_QUERY);
      for await (const execution of this.client.workflow.list({ query: `WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})` })) {
        found.add(execution.workflowId);
      }
    }
    return found;
  }

  /** The status of the workflow's latest run (`RUNNING`, `COMPLETED`, `FAILED`, ...), or undefined when there is none. */
  async status(workflowId: string): Promise<string | undefined> {
    try {
      return (await this.client.workflow.getHandle(workflowId).describe()).status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /** Whether the latest run of the workflow is still open (false when there is none). */
  async running(workflowId: string): Promise<boolean> {
    return (await this.status(workflowId)) === 'RUNNING';
  }

  /**
   * Runs a delivery again under the same workflow ID, which Temporal allows only after a run that failed,
   * was terminated or timed out: a delivery that succeeded can never be delivered twice this way.
   *
   * Only a run that COMPLETED means delivered. A run still open may be one that has just dead-lettered (the
   * dead letter is in PostgreSQL before its workflow closes), so a run in progress is given up to
   * `closeGraceMs` to close: if it fails, the delivery starts again; if it is still open then, it is left
   * to deliver (`running`).
   */
  async restart(workflowId: string, input: DeliveryInput, memo: DeliveryMemo, reopen?: () => Promise<boolean>): Promise<RestartOutcome> {
    const deadline = Date.now() + this.closeGraceMs;
    for (let tries = 1; ; tries += 1) {
      // Before every start, not once: a run that closed failed in between set the delivery back to
      // dead-lettered, and a new run must not deliver under that status (the circuit would never release it).
      if (reopen && !(await reopen())) return { outcome: 'resolved' };
      try {
        const handle = await this.client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
          ...this.options(workflowId, input, memo),
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        });
        this.onStarted(handle.eagerlyStarted);
        return { outcome: 'started' };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      const latest = await this.latestOnceClosed(workflowId, deadline);
      if (latest?.status === 'COMPLETED') return { outcome: 'completed' };
      if (latest?.status === 'RUNNING') return { outcome: 'running', runId: latest.runId };
      // It closed without delivering (or a concurrent restart's run did): start again. Each round follows a
      // run that closed, so only a burst of concurrent restarts, each failing at once, keeps this going.
      if (tries >= MAX_RESTART_TRIES) throw new Error(`workflow ${workflowId} could not be started again after ${tries} tries`);
    }
  }

  // The latest run once it is no longer RUNNING, or still RUNNING at `deadline`.
  private async latestOnceClosed(workflowId: string, deadline: number): Promise<{ status: string; runId: string } | undefined> {
    for (;;) {
      let latest: { status: string; runId: string } | undefined;
      try {
        const description = await this.client.workflow.getHandle(workflowId).describe();
        latest = { status: description.status.name, runId: description.runId };
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
      if (latest?.status !== 'RUNNING' || Date.now() >= deadline) return latest;
      await new Promise((resolve) => setTimeout(resolve, CLOSE_POLL_MS));
    }
  }
}
