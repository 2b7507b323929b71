import type { ParkPlan } from '../src/db/circuits.repository';
import type { NewAttempt } from '../src/db/deliveries.repository';
import type { EndpointRecord } from '../src/db/endpoints.repository';
import type { Logger } from '../src/logging/logger';
import type { AttemptVerdict } from './classify-attempt';
import { deadLetterResolved } from './dead-letter-queue';
import type { ActivityDeps } from './deps';

// Auto-recovery asks an endpoint's dead-letter workflow to redrive at most this often per worker.
const AUTO_REDRIVE_EVERY_MS = 30_000;

/** A failed attempt's verdict (anything but a success). */
export type FailedVerdict = Exclude<AttemptVerdict, { kind: 'success' }>;

/** The records of an attempt in PostgreSQL, and everything that follows from one. */
export type AttemptRecords = ReturnType<typeof createAttemptRecords>;

/**
 * What happens after an attempt: its record, and what it changes about its endpoint (pace, circuit,
 * failure clock, disabling, dead-letter queue), with the signals and alerts that go with each change.
 * One instance per worker, shared by the attempt and the workflow's fallback record.
 */
export function createAttemptRecords(deps: ActivityDeps) {
  const lastRedrive = new Map<string, number>();

  const disable = async (endpointId: string, reason: 'gone' | 'failing', message: string): Promise<void> => {
    if (!(await deps.endpoints.disable(endpointId, reason))) return;
    await deps.alerter
      .send({ id: `alert_disabled_${endpointId}_${Date.now()}`, kind: 'endpoint_disabled', endpointId, message })
      .catch((error: unknown) => deps.logger.warn({ err: error, endpointId }, 'endpoint-disabled alert not delivered'));
  };

  return {
    /**
     * Records a successful attempt and what follows: a slowed endpoint's pace recovers, its circuit closes
     * (its workflow releases what is parked), a dead letter the delivery had is resolved, and automatic
     * recovery redrives the endpoint's other dead letters. The one success path, whether the attempt
     * records itself or the workflow does it later (PostgreSQL was away).
     * @throws when PostgreSQL does not take the record (the caller retries).
     */
    async succeeded(attempt: NewAttempt, endpoint: EndpointRecord | undefined): Promise<void> {
      if (endpoint?.currentRate != null && endpoint.currentRate < (endpoint.rateLimitPerSecond ?? Infinity)) {
        await deps.throttles.recover(endpoint.id, endpoint.rateLimitPerSecond);
      }
      const effects = await deps.deliveries.recordSuccess(attempt);
      if (effects.circuitClosed) await deps.circuitSignals.reconsider(attempt.endpointId, endpoint?.retryPolicy, endpoint?.applicationId);
      if (effects.resolvedDeadLetter) await deadLetterResolved(deps, attempt.endpointId);
      const now = Date.now();
      if (effects.endpointBacklog && endpoint?.autoRecover === true && now - (lastRedrive.get(attempt.endpointId) ?? 0) > AUTO_REDRIVE_EVERY_MS) {
        lastRedrive.set(attempt.endpointId, now);
        await deps.deadLetterSignals.redrive(attempt.endpointId, { automatic: true });
      }
    },

    /**
     * Records a failed attempt and what follows: the endpoint's failure count (its circuit may open, with an
     * alert), parking the delivery behind an open circuit as `park` says, disabling an endpoint failing for
     * too long or answering 410, and slowing down on 429. A record PostgreSQL does not take is logged: the
     * attempt's failure stands anyway.
     * @returns whether the delivery is now parked.
     */
    async failed(attempt: NewAttempt, endpoint: EndpointRecord, verdict: FailedVerdict, park: ParkPlan | null, log: Logger): Promise<boolean> {
      let parked = false;
      try {
        const effects = await deps.deliveries.recordFailure(attempt, { threshold: deps.circuitThreshold, park });
        parked = effects.parked;
        if (effects.circuitOpened) {
          await deps.circuitSignals.reconsider(endpoint.id, endpoint.retryPolicy, endpoint.applicationId);
          await deps.alerter
            .send({
              id: `alert_circuit_${endpoint.id}_${Date.now()}`,
              kind: 'circuit_opened',
              endpointId: endpoint.id,
              message: `endpoint ${endpoint.id}: circuit opened after ${deps.circuitThreshold} failed attempts in a row; its deliveries wait until a probe succeeds`,
            })
            .catch((error: unknown) => log.warn({ err: error }, 'circuit-opened alert not delivered'));
        }
        const { failingSince } = effects;
        if (failingSince && Date.now() - failingSince.getTime() > deps.disableAfterMs) {
          await disable(endpoint.id, 'failing', `endpoint ${endpoint.id} disabled: every delivery failed since ${failingSince.toISOString()}`);
        }
      } catch (error) {
        log.warn({ err: error }, 'attempt failed and PostgreSQL did not take its record');
      }
      if (verdict.statusCode === 429) {
        await deps.throttles
          .slowDown(endpoint.id, endpoint.rateLimitPerSecond)
          .catch((error: unknown) => log.warn({ err: error }, 'could not slow the endpoint down'));
      }
      if (verdict.kind === 'permanent' && verdict.statusCode === 410) {
        await disable(endpoint.id, 'gone', `endpoint ${endpoint.id} disabled: the receiver answered 410 Gone`);
      }
      return parked;
    },
  };
}
