import type { Client } from '@temporalio/client';
import type { orderedStreamWorkflow } from '../../workflows/ordered-stream.workflow';
import {
  EndpointIdSearchAttribute,
  orderedStreamWorkflowId,
  streamChangedSignal,
  type OrderedStreamInput,
} from '../../workflows/definitions';

/** Wakes the workflow of an ordered stream, starting it when none runs. */
export class OrderedStreamSignals {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** Tells the stream to look at PostgreSQL again: a message joined it, or one of its deliveries ended. */
  async wake(stream: OrderedStreamInput): Promise<void> {
    await this.client.workflow.signalWithStart<typeof orderedStreamWorkflow, []>('orderedStreamWorkflow', {
      workflowId: orderedStreamWorkflowId(stream.endpointId, stream.orderingKey),
      taskQueue: this.taskQueue,
      args: [stream],
      signal: streamChangedSignal,
      signalArgs: [],
      typedSearchAttributes: [{ key: EndpointIdSearchAttribute, value: stream.endpointId }],
      staticSummary: `ordered stream "${stream.orderingKey}"`,
    });
  }
}
