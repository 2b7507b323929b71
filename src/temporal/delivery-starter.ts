import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client, type WorkflowStartOptions } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { deliveryWorkflow } from '../../workflows/delivery.workflow';
import {
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

/** What asking for another run of a delivery did. */
export type RestartOutcome = 'started' | 'running' | 'completed';

/**
 * Starts delivery workflows. The workflow ID is the idempotency key: a first start for an ID that already
 * ran or runs is a no-op, and a restart only ever follows a run that did not succeed.
 */
export class DeliveryStarter {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  private options(workflowId: string, input: DeliveryInput, memo: DeliveryMemo): WorkflowStartOptions<typeof deliveryWorkflow> {
    return {
      workflowId,
      taskQueue: this.taskQueue,
      args: [input],
      // Workflow tasks, like attempts, are dispatched fairly across endpoints.
      priority: { fairnessKey: input.endpointId },
      typedSearchAttributes: [
        { key: EndpointIdSearchAttribute, value: input.endpointId },
        { key: EventTypeSearchAttribute, value: input.eventType },
        { key: MessageIdSearchAttribute, value: input.messageId },
      ],
      memo: { ...memo },
      staticSummary: `${input.eventType} → ${memo.endpointUrl}`,
    };
  }

  /**
   * Starts the delivery unless its workflow exists (running or closed).
   * @returns true when this call started it.
   */
  async start(workflowId: string, input: DeliveryInput, memo: DeliveryMemo): Promise<boolean> {
    try {
      await this.client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
        ...this.options(workflowId, input, memo),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
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
   */
  async restart(workflowId: string, input: DeliveryInput, memo: DeliveryMemo): Promise<RestartOutcome> {
    try {
      await this.client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
        ...this.options(workflowId, input, memo),
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
      });
      return 'started';
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      return (await this.running(workflowId)) ? 'running' : 'completed';
    }
  }
}
