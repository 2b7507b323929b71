import type { HookwayActivities } from '../workflows/activity-contract';
import type { AttemptSuccess, CircuitStep, DeliveryInput, OrderedStreamInput, StreamStep } from '../workflows/definitions';
import { createAttemptRecords } from './attempt-records';
import { createDeadLetterActivities, deadLetterExpiredParked } from './dead-letter-queue';
import type { ActivityDeps } from './deps';
import { createRetentionActivities } from './retention';
import { createSendWebhook } from './send-webhook';

export type { ActivityDeps } from './deps';

/** The activities, bound to their dependencies: the contract the workflows call (workflows/activity-contract.ts). */
export function createActivities(deps: ActivityDeps): HookwayActivities {
  const records = createAttemptRecords(deps);
  return {
    sendWebhook: createSendWebhook(deps, records),
    ...createRetentionActivities(deps.retention),

    /** Records a success the HTTP activity could not record itself (PostgreSQL was away), with what follows one. */
    async recordSuccess(input: Pick<DeliveryInput, 'deliveryId' | 'endpointId'>, runId: string, success: AttemptSuccess): Promise<void> {
      const attempt = {
        deliveryId: input.deliveryId,
        endpointId: input.endpointId,
        runId,
        attempt: success.attempt,
        startedAt: new Date(success.startedAt),
        durationMs: success.durationMs,
        statusCode: success.statusCode,
      };
      await records.succeeded(attempt, await deps.endpoints.findById(input.endpointId, { includeDeleted: true }));
    },

    ...createDeadLetterActivities(deps),

    /** One step of an ordered stream: starts the delivery it waits on, or says it is idle or blocked. */
    async advanceStream(stream: OrderedStreamInput): Promise<StreamStep> {
      return deps.streamAdvancer.advance(stream);
    },

    /** Wakes the delivery's ordered stream: the delivery is done, succeeded or dead-lettered. */
    async notifyStream(stream: OrderedStreamInput): Promise<void> {
      await deps.streamSignals.wake(stream);
    },

    /**
     * One step of an endpoint's circuit workflow: while the circuit is open, a probe (when due) and the
     * dead-lettering of parked deliveries whose schedule ran out; once it closed, a release.
     */
    async circuitStep(endpointId: string, batch: number, probe: boolean, gated?: boolean): Promise<CircuitStep> {
      // Expired first, so a probe never runs a delivery this step is about to dead-letter.
      const { expired, alertIds } = await deadLetterExpiredParked(deps, endpointId, batch);
      const step = await deps.circuitStepper.step(endpointId, batch, probe, gated ?? false);
      if (step.state !== 'open') return alertIds.length > 0 ? { ...step, alertIds } : step;
      return { ...step, expired, nextExpiryInMs: await deps.circuits.nextExpiryInMs(endpointId), ...(alertIds.length > 0 ? { alertIds } : {}) };
    },
  };
}
