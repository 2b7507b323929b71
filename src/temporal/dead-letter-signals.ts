import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { HookwayConfig } from '../config';
import type { deadLetterWorkflow } from '../../workflows/dead-letter.workflow';
import {
  deadLetterQueueChangedSignal,
  deadLetterWorkflowId,
  redriveSignal,
  type DeadLetterWorkflowInput,
  type RedriveRequest,
} from '../../workflows/definitions';

/**
 * Talks to the per-endpoint dead-letter workflows. They hold no entries, so a dead letter costs them
 * nothing: they hear only of a queue's first dead letter, of a redrive asked, and of a queue that may have
 * emptied.
 */
export class DeadLetterSignals {
  constructor(
    private readonly client: Client,
    private readonly config: Pick<HookwayConfig, 'temporal' | 'delivery'>,
  ) {}

  private startArgs(endpointId: string): [DeadLetterWorkflowInput] {
    return [{ endpointId, settings: { redriveIntervalMs: this.config.delivery.redriveIntervalMs } }];
  }

  /** The endpoint's queue has its first open dead letter: its workflow starts (or hears of it). */
  async opened(endpointId: string): Promise<void> {
    await this.client.workflow.signalWithStart<typeof deadLetterWorkflow, []>('deadLetterWorkflow', {
      workflowId: deadLetterWorkflowId(endpointId),
      taskQueue: this.config.temporal.taskQueue,
      args: this.startArgs(endpointId),
      signal: deadLetterQueueChangedSignal,
      signalArgs: [],
    });
  }

  /** Asks the endpoint's dead-letter workflow to retry its open dead letters. */
  async redrive(endpointId: string, request: RedriveRequest): Promise<void> {
    await this.client.workflow.signalWithStart<typeof deadLetterWorkflow, [RedriveRequest]>('deadLetterWorkflow', {
      workflowId: deadLetterWorkflowId(endpointId),
      taskQueue: this.config.temporal.taskQueue,
      args: this.startArgs(endpointId),
      signal: redriveSignal,
      signalArgs: [request],
    });
  }

  /** The endpoint's queue may be empty now: its workflow, if any, looks and is done when it is. */
  async drained(endpointId: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(deadLetterWorkflowId(endpointId)).signal(deadLetterQueueChangedSignal);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}
