import { ApplicationFailure, Context } from '@temporalio/activity';
import type { DeliveryRetryPolicy } from '../workflows/definitions';
import {
  CIRCUIT_OPEN_FAILURE_TYPE,
  ENDPOINT_GONE_FAILURE_TYPE,
  MESSAGE_GONE_FAILURE_TYPE,
  RATE_LIMITED_FAILURE_TYPE,
  type AttemptFailureDetails,
  type AttemptSuccess,
  type DeliveryInput,
} from '../workflows/definitions';
import type { ActivityDeps } from './deps';
import { classifyAttempt, type AttemptVerdict } from './classify-attempt';
import { deadLetterResolved } from './dead-letter-queue';
import { postWebhook } from './http-attempt';
import { buildWebhookRequest } from './webhook-request';

// Auto-recovery asks an endpoint's dead-letter workflow to redrive at most this often per worker.
const AUTO_REDRIVE_EVERY_MS = 30_000;
// A rate-limit slot closer than this is waited for here; a later one is waited for by the workflow, on a
// timer, so a throttled endpoint cannot fill the worker's activity slots and stall the others.
const MAX_INLINE_WAIT_MS = 1_000;

// A parked delivery's failure is not retried by Temporal: the workflow waits for the circuit instead.
function failureFor(verdict: Exclude<AttemptVerdict, { kind: 'success' }>, attempt: number, parked: boolean): ApplicationFailure {
  const details: AttemptFailureDetails = {
    attempt,
    reason: verdict.reason,
    statusCode: verdict.statusCode,
    retryAfterMs: verdict.kind === 'retryable' ? verdict.retryAfterMs : undefined,
    ...(parked ? { parked } : {}),
  };
  return ApplicationFailure.create({
    message: verdict.message,
    type: verdict.reason,
    nonRetryable: verdict.kind === 'permanent' || parked,
    details: [details],
    nextRetryDelay: verdict.kind === 'retryable' ? verdict.retryAfterMs : undefined,
  });
}

/**
 * The HTTP activity: one signed attempt of a delivery, classified. Resolves on 2xx; otherwise throws an
 * ApplicationFailure whose `type` is the reason code: retryable ones follow the retry policy (or the
 * receiver's `Retry-After`), permanent ones dead-letter at once.
 */
export function createSendWebhook(deps: ActivityDeps) {
  const lastRedrive = new Map<string, number>();

  const afterSuccess = async (endpointId: string, autoRecover: boolean, effects: { resolvedDeadLetter: boolean; endpointBacklog: boolean }) => {
    if (effects.resolvedDeadLetter) await deadLetterResolved(deps, endpointId);
    const now = Date.now();
    if (effects.endpointBacklog && autoRecover && now - (lastRedrive.get(endpointId) ?? 0) > AUTO_REDRIVE_EVERY_MS) {
      lastRedrive.set(endpointId, now);
      await deps.deadLetterSignals.redrive(endpointId, { automatic: true });
    }
  };

  const disable = async (endpointId: string, reason: 'gone' | 'failing', message: string): Promise<void> => {
    if (!(await deps.endpoints.disable(endpointId, reason))) return;
    await deps.alerter
      .send({ id: `alert_disabled_${endpointId}_${Date.now()}`, kind: 'endpoint_disabled', endpointId, message })
      .catch((error: unknown) => deps.logger.warn({ err: error, endpointId }, 'endpoint-disabled alert not delivered'));
  };

  return async function sendWebhook(input: DeliveryInput): Promise<AttemptSuccess> {
    const info = Context.current().info;
    const attemptNumber = (input.attemptOffset ?? 0) + info.attempt;
    const runId = info.workflowExecution?.runId ?? 'standalone';
    const log = deps.logger.child({
      messageId: input.messageId,
      endpointId: input.endpointId,
      workflowId: info.workflowExecution?.workflowId,
      attempt: attemptNumber,
    });
    // The payload comes with the endpoint, in the one read every attempt makes anyway.
    const found = await deps.endpoints.findForAttempt(input.endpointId, input.messageId);
    if (!found) {
      const details: AttemptFailureDetails = { attempt: attemptNumber, reason: ENDPOINT_GONE_FAILURE_TYPE };
      throw ApplicationFailure.nonRetryable(`endpoint ${input.endpointId} was deleted`, ENDPOINT_GONE_FAILURE_TYPE, details);
    }
    const { endpoint, payload } = found;
    if (payload === null) {
      const details: AttemptFailureDetails = { attempt: attemptNumber, reason: MESSAGE_GONE_FAILURE_TYPE };
      throw ApplicationFailure.nonRetryable(`message ${input.messageId} is no longer stored`, MESSAGE_GONE_FAILURE_TYPE, details);
    }
    const circuits = deps.circuitThreshold > 0;
    if (circuits && endpoint.circuitOpenedAt !== null && input.circuitBypass === undefined && (await deps.circuits.park(input.deliveryId, endpoint.id))) {
      const details: AttemptFailureDetails = { attempt: attemptNumber - 1, reason: CIRCUIT_OPEN_FAILURE_TYPE, parked: true };
      throw ApplicationFailure.nonRetryable(
        `not attempted: the endpoint's circuit is open since ${endpoint.circuitOpenedAt.toISOString()}`,
        CIRCUIT_OPEN_FAILURE_TYPE,
        details,
      );
    }
    const rate = endpoint.currentRate ?? endpoint.rateLimitPerSecond;
    if (rate !== null) {
      const reserved = input.reservedSlotAt !== undefined && info.attempt === 1;
      const waitMs = reserved ? Math.max(0, (input.reservedSlotAt ?? 0) - Date.now()) : await deps.throttles.reserve(endpoint.id, rate);
      if (waitMs > MAX_INLINE_WAIT_MS) {
        const slotAt = Date.now() + waitMs;
        const details: AttemptFailureDetails = { attempt: attemptNumber, reason: RATE_LIMITED_FAILURE_TYPE, waitMs, slotAt };
        throw ApplicationFailure.nonRetryable(`waiting ${waitMs} ms for the endpoint's rate limit`, RATE_LIMITED_FAILURE_TYPE, details);
      }
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    const { headers, body } = buildWebhookRequest(input, payload, endpoint, Date.now());
    // The deadline fixed when the delivery started, so it always fits the activity's own timeout.
    const result = await postWebhook(deps.http, endpoint.url, headers, body, input.timeoutMs, deps.resolver);
    const policy: DeliveryRetryPolicy = input.retryPolicy;
    const verdict = classifyAttempt(result, policy, attemptNumber, Date.now());
    const attempt = {
      deliveryId: input.deliveryId,
      endpointId: input.endpointId,
      runId,
      attempt: attemptNumber,
      startedAt: result.startedAt,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      responseBody: result.responseBody,
    };

    deps.metrics.attempt(endpoint.id, verdict.kind, verdict.kind === 'success' ? `http_${verdict.statusCode}` : verdict.reason, result.durationMs);
    if (verdict.kind === 'success') {
      deps.metrics.delivered(endpoint.id, input.eventType, attemptNumber, Date.now() - Date.parse(input.messageTimestamp));
      let recorded = true;
      try {
        if (endpoint.currentRate !== null && endpoint.currentRate < (endpoint.rateLimitPerSecond ?? Infinity)) {
          await deps.throttles.recover(endpoint.id, endpoint.rateLimitPerSecond);
        }
        const effects = await deps.deliveries.recordSuccess(attempt);
        if (effects.circuitClosed) await deps.circuitSignals.changed(endpoint.id, endpoint.retryPolicy);
        await afterSuccess(endpoint.id, endpoint.autoRecover, effects);
      } catch (error) {
        recorded = false;
        log.warn({ err: error }, 'delivered, but the record did not complete; the workflow will retry it');
      }
      log.info({ statusCode: verdict.statusCode, durationMs: result.durationMs }, 'delivered');
      return { attempt: attemptNumber, statusCode: verdict.statusCode, durationMs: result.durationMs, recorded, startedAt: result.startedAt.toISOString() };
    }

    const retryNote = verdict.kind === 'retryable' && verdict.retryAfterMs !== undefined ? ` (next attempt in ${verdict.retryAfterMs} ms, as Retry-After asked)` : '';
    let parked = false;
    try {
      const effects = await deps.deliveries.recordFailure(
        {
          ...attempt,
          error: `${verdict.reason}: ${verdict.message}${retryNote}`,
          retryAfterMs: verdict.kind === 'retryable' ? verdict.retryAfterMs : undefined,
        },
        {
          threshold: deps.circuitThreshold,
          // A permanent failure, a last or a final attempt dead-letter whatever the circuit.
          park: circuits && verdict.kind === 'retryable' && attemptNumber < policy.maxAttempts && input.circuitBypass !== 'final',
        },
      );
      const { failingSince } = effects;
      parked = effects.parked;
      if (effects.circuitOpened) {
        await deps.circuitSignals.changed(endpoint.id, endpoint.retryPolicy);
        await deps.alerter
          .send({
            id: `alert_circuit_${endpoint.id}_${Date.now()}`,
            kind: 'circuit_opened',
            endpointId: endpoint.id,
            message: `endpoint ${endpoint.id}: circuit opened after ${deps.circuitThreshold} failed attempts in a row; its deliveries wait until a probe succeeds`,
          })
          .catch((error: unknown) => log.warn({ err: error }, 'circuit-opened alert not delivered'));
      }
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
    log.info({ reason: verdict.reason, kind: verdict.kind, durationMs: result.durationMs }, 'attempt failed');
    throw failureFor(verdict, attemptNumber, parked);
  };
}
