import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
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

/**
 * Starts delivery workflows. The workflow ID is the idempotency key: a start for an ID that already ran or
 * runs is a no-op, never a second delivery.
 */
export class DeliveryStarter {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /**
   * Starts the delivery unless its workflow exists (running or closed).
   * @returns true when this call started it.
   */
  async start(workflowId: string, input: DeliveryInput, memo: DeliveryMemo): Promise<boolean> {
    try {
      await this.client.workflow.start<typeof deliveryWorkflow>('deliveryWorkflow', {
        workflowId,
        taskQueue: this.taskQueue,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: [
          { key: EndpointIdSearchAttribute, value: input.endpointId },
          { key: EventTypeSearchAttribute, value: input.eventType },
          { key: MessageIdSearchAttribute, value: input.messageId },
        ],
        memo: { ...memo },
        staticSummary: `${input.eventType} → ${memo.endpointUrl}`,
      });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }
}
