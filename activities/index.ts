import type { AttemptSuccess, CircuitStep, DeliveryInput, OrderedStreamInput, StreamStep } from '../workflows/definitions';
import { createDeadLetterActivities, deadLetterResolved } from './dead-letter-queue';
import type { ActivityDeps } from './deps';
import { createRetentionActivities } from './retention';
import { createSendWebhook } from './send-webhook';

export type { ActivityDeps } from './deps';

/**
 * The activities, bound to their dependencies. Workflows type their proxies with
 * `ReturnType<typeof createActivities>`.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    sendWebhook: createSendWebhook(deps),
    ...createRetentionActivities(deps.retention),

    /** Records a success the HTTP activity could not record itself (PostgreSQL was away). */
    async recordSuccess(input: Pick<DeliveryInput, 'deliveryId' | 'endpointId'>, runId: string, success: AttemptSuccess): Promise<void> {
      const effects = await deps.deliveries.recordSuccess({
        deliveryId: input.deliveryId,
        endpointId: input.endpointId,
        runId,
        attempt: success.attempt,
        startedAt: new Date(success.startedAt),
        durationMs: success.durationMs,
        statusCode: success.statusCode,
      });
      if (effects.resolvedDeadLetter) await deadLetterResolved(deps, input.endpointId);
      if (effects.circuitClosed) await deps.circuitSignals.changed(input.endpointId, (await deps.endpoints.findById(input.endpointId))?.retryPolicy);
    },

    ...createDeadLetterActivities(deps),

    /** One step of an ordered stream: starts the delivery it waits on, or says it is idle or blocked. */
    async advanceStream(stream: OrderedStreamInput): Promise<StreamStep> {
      return deps.streamAdvancer.advance(stream);
    },

    /** Wakes the delivery's ordered stream: the delivery is done, succeeded or dead-lettered. */
    async notifyStream(stream: OrderedStreamInput): Promise<void> {
      await deps.streamSignals.changed(stream);
    },

    /** One step of an endpoint's circuit workflow: a probe while the circuit is open, a release once it closed. */
    async circuitStep(endpointId: string, batch: number, probe: boolean): Promise<CircuitStep> {
      return deps.circuitStepper.step(endpointId, batch, probe);
    },
  };
}
