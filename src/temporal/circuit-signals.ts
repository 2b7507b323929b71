import type { Client } from '@temporalio/client';
import type { endpointCircuitWorkflow } from '../../workflows/endpoint-circuit.workflow';
import {
  ApplicationIdSearchAttribute,
  circuitChangedSignal,
  circuitWorkflowId,
  EndpointIdSearchAttribute,
  type DeliveryRetryPolicy,
  type EndpointCircuitInput,
} from '../../workflows/definitions';

// Probes go out at most this far apart, however long the endpoint's own retry delays grow.
const MAX_PROBE_INTERVAL_MS = 5 * 60_000;
// Probe pace for an endpoint deleted meanwhile: its circuit workflow only releases what is parked.
const DELETED_ENDPOINT_POLICY: DeliveryRetryPolicy = { maxAttempts: 1, initialIntervalMs: 60_000, backoffCoefficient: 2, maxIntervalMs: MAX_PROBE_INTERVAL_MS };

/** Talks to endpoints' circuit workflows. */
export class CircuitSignals {
  constructor(
    private readonly client: Client,
    private readonly settings: { taskQueue: string; releasePerSecond: number },
  ) {}

  /**
   * Tells the endpoint's circuit workflow to look again (the circuit opened or closed), starting it if
   * needed. Probes follow the endpoint's retry schedule (`policy`): first after its first delay, then
   * further apart, at most 5 minutes. `applicationId` is the endpoint's, for the `ApplicationId` search attribute.
   */
  async reconsider(endpointId: string, policy?: DeliveryRetryPolicy, applicationId?: string): Promise<void> {
    await this.client.workflow.signalWithStart<typeof endpointCircuitWorkflow, []>('endpointCircuitWorkflow', {
      ...this.startOptions(endpointId, policy, applicationId),
      signal: circuitChangedSignal,
      signalArgs: [],
    });
  }

  /** Starts the endpoint's circuit workflow unless it runs already; a running one is left as it is. */
  async ensureRunning(endpointId: string, policy?: DeliveryRetryPolicy, applicationId?: string): Promise<void> {
    await this.client.workflow.start<typeof endpointCircuitWorkflow>('endpointCircuitWorkflow', {
      ...this.startOptions(endpointId, policy, applicationId),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  }

  private startOptions(endpointId: string, policy: DeliveryRetryPolicy = DELETED_ENDPOINT_POLICY, applicationId?: string) {
    const input: EndpointCircuitInput = {
      endpointId,
      probeIntervalMs: Math.min(MAX_PROBE_INTERVAL_MS, policy.initialIntervalMs),
      backoffCoefficient: policy.backoffCoefficient,
      maxProbeIntervalMs: Math.min(MAX_PROBE_INTERVAL_MS, Math.max(policy.initialIntervalMs, policy.maxIntervalMs)),
      releasePerSecond: this.settings.releasePerSecond,
    };
    return {
      workflowId: circuitWorkflowId(endpointId),
      taskQueue: this.settings.taskQueue,
      args: [input] as [EndpointCircuitInput],
      typedSearchAttributes: [
        { key: EndpointIdSearchAttribute, value: endpointId },
        ...(applicationId === undefined ? [] : [{ key: ApplicationIdSearchAttribute, value: applicationId }]),
      ],
      staticSummary: 'circuit breaker',
    };
  }
}
