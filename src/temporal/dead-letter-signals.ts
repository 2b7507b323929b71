import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { HookwayConfig } from '../config';
import type { deadLetterWorkflow } from '../../workflows/dead-letter.workflow';
import {
  deadLetteredSignal,
  deadLetterResolvedSignal,
  deadLetterWorkflowId,
  redriveSignal,
  type DeadLetterEntry,
  type DeadLetterWorkflowInput,
  type RedriveRequest,
} from '../../workflows/definitions';

/** Talks to the per-endpoint dead-letter workflows, starting one where a signal needs it. */
export class DeadLetterSignals {
  constructor(
    private readonly client: Client,
    private readonly config: Pick<HookwayConfig, 'taskQueue' | 'redriveIntervalMs' | 'deadLetterAlertThreshold'>,
  ) {}

  private startArgs(endpointId: string): [DeadLetterWorkflowInput] {
    return [
      {
        endpointId,
        entries: [],
        settings: { redriveIntervalMs: this.config.redriveIntervalMs, alertThreshold: this.config.deadLetterAlertThreshold },
      },
    ];
  }

  /** Adds a dead letter to its endpoint's queue. */
  async deadLettered(endpointId: string, entry: DeadLetterEntry): Promise<void> {
    await this.client.workflow.signalWithStart<typeof deadLetterWorkflow, [DeadLetterEntry]>('deadLetterWorkflow', {
      workflowId: deadLetterWorkflowId(endpointId),
      taskQueue: this.config.taskQueue,
      args: this.startArgs(endpointId),
      signal: deadLetteredSignal,
      signalArgs: [entry],
    });
  }

  /** Asks the endpoint's dead-letter workflow to retry its entries. */
  async redrive(endpointId: string, request: RedriveRequest): Promise<void> {
    await this.client.workflow.signalWithStart<typeof deadLetterWorkflow, [RedriveRequest]>('deadLetterWorkflow', {
      workflowId: deadLetterWorkflowId(endpointId),
      taskQueue: this.config.taskQueue,
      args: this.startArgs(endpointId),
      signal: redriveSignal,
      signalArgs: [request],
    });
  }

  /** Removes a resolved dead letter from its endpoint's queue; no queue means nothing to remove. */
  async resolved(endpointId: string, deliveryId: string): Promise<void> {
    try {
      await this.client.workflow.getHandle(deadLetterWorkflowId(endpointId)).signal(deadLetterResolvedSignal, { deliveryId });
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
}
