import { ConflictError, NotFoundError } from '../src/domain/errors';
import type { NewDeadLetter } from '../src/db/dead-letters.repository';
import type {
  AttemptSuccess,
  CircuitStep,
  DeadLetterRetryOutcome,
  DeliveryInput,
  OperationalAlert,
  OrderedStreamInput,
  StreamStep,
} from '../workflows/definitions';
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
      if (effects.resolvedDeadLetter) await deps.deadLetterSignals.resolved(input.endpointId, input.deliveryId);
      if (effects.circuitClosed) await deps.circuitSignals.changed(input.endpointId, (await deps.endpoints.findById(input.endpointId))?.retryPolicy);
    },

    /**
     * Records the dead letter in PostgreSQL and signals the endpoint's dead-letter workflow, starting it if
     * needed. Both steps are idempotent, so Temporal may retry this freely.
     */
    async deadLetter(entry: NewDeadLetter & { eventType: string }): Promise<void> {
      const { deadLetter, opened } = await deps.deadLetters.record(entry);
      // Counted once per dead-lettering, not again when Temporal retries this activity.
      if (opened) deps.metrics.deadLettered(entry.endpointId, entry.eventType);
      await deps.deadLetterSignals.deadLettered(entry.endpointId, {
        deadLetterId: deadLetter.id,
        deliveryId: deadLetter.deliveryId,
        messageId: deadLetter.messageId,
        workflowId: deadLetter.workflowId,
        error: deadLetter.error,
        attempts: deadLetter.attempts,
        deadLetteredAt: deadLetter.deadLetteredAt.toISOString(),
      });
      deps.logger.warn(
        { messageId: entry.messageId, endpointId: entry.endpointId, workflowId: entry.workflowId, attempts: entry.attempts },
        'delivery dead-lettered',
      );
    },

    /** One step of a redrive: runs the dead letter's delivery again, or reports it needs nothing. */
    async retryDeadLetter(deadLetterId: string): Promise<DeadLetterRetryOutcome> {
      try {
        return await deps.deadLetterRetrier.retry(deadLetterId);
      } catch (error) {
        // Resolved, discarded or gone meanwhile: nothing left to retry, and the queue should drop it.
        if (error instanceof NotFoundError) return 'resolved';
        if (error instanceof ConflictError) return error.code === 'dead_letter_resolved' ? 'resolved' : 'skipped';
        throw error;
      }
    },

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

    /** Raises an operational alert (log line, and the alert webhook when configured). */
    async sendAlert(alert: OperationalAlert): Promise<void> {
      await deps.alerter.send(alert);
    },
  };
}
