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
  scheduleLeftMs,
} from '../workflows/definitions';
import type { ParkPlan } from '../src/db/circuits.repository';
import type { AttemptRecords, FailedVerdict } from './attempt-records';
import type { ActivityDeps } from './deps';
import { classifyAttempt } from './classify-attempt';
import { postWebhook } from './http-attempt';
import { buildWebhookRequest } from './webhook-request';

// A rate-limit slot closer than this is waited for here; a later one is waited for by the workflow, on a
// timer, so a throttled endpoint cannot fill the worker's activity slots and stall the others.
const MAX_INLINE_WAIT_MS = 1_000;

// A parked delivery's failure is not retried by Temporal: the workflow waits for the circuit instead.
function failureFor(verdict: FailedVerdict, attempt: number, parked: boolean): ApplicationFailure {
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
export function createSendWebhook(deps: ActivityDeps, records: AttemptRecords) {
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
    const { endpoint, payload, applicationRate } = found;
    if (payload === null) {
      const details: AttemptFailureDetails = { attempt: attemptNumber, reason: MESSAGE_GONE_FAILURE_TYPE };
      throw ApplicationFailure.nonRetryable(`message ${input.messageId} is no longer stored`, MESSAGE_GONE_FAILURE_TYPE, details);
    }
    const circuits = deps.circuitThreshold > 0;
    const policy: DeliveryRetryPolicy = input.retryPolicy;
    // Parked before this attempt or after it failed, the schedule has the same delays left: those after it.
    const parking: ParkPlan = { attempts: attemptNumber - 1, scheduleLeftMs: scheduleLeftMs(policy, attemptNumber) };
    // A last attempt is made whatever the circuit: parking it would dead-letter it untried.
    const mayPark = circuits && attemptNumber < policy.maxAttempts && input.circuitBypass === undefined;
    if (mayPark && endpoint.circuitOpenedAt !== null && (await deps.circuits.park(input.deliveryId, endpoint.id, parking))) {
      const details: AttemptFailureDetails = { attempt: attemptNumber - 1, reason: CIRCUIT_OPEN_FAILURE_TYPE, parked: true };
      throw ApplicationFailure.nonRetryable(
        `not attempted: the endpoint's circuit is open since ${endpoint.circuitOpenedAt.toISOString()}`,
        CIRCUIT_OPEN_FAILURE_TYPE,
        details,
      );
    }
    const rate = endpoint.currentRate ?? endpoint.rateLimitPerSecond;
    if (rate !== null || applicationRate !== null) {
      const reserved = input.reservedSlotAt !== undefined && info.attempt === 1;
      const waitMs = reserved
        ? Math.max(0, (input.reservedSlotAt ?? 0) - Date.now())
        : await deps.throttles.reserve(endpoint.id, rate, { id: endpoint.applicationId, rate: applicationRate });
      if (waitMs > MAX_INLINE_WAIT_MS) {
        const slotAt = Date.now() + waitMs;
        const details: AttemptFailureDetails = { attempt: attemptNumber, reason: RATE_LIMITED_FAILURE_TYPE, waitMs, slotAt };
        throw ApplicationFailure.nonRetryable(`waiting ${waitMs} ms for the endpoint's or its application's rate limit`, RATE_LIMITED_FAILURE_TYPE, details);
      }
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    const { headers, body } = buildWebhookRequest(input, payload, endpoint, Date.now());
    // The deadline fixed when the delivery started, so it always fits the activity's own timeout.
    const result = await postWebhook(deps.http, endpoint.url, headers, body, input.timeoutMs, deps.resolver);
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

    const target = { endpointId: endpoint.id, applicationId: endpoint.applicationId };
    deps.metrics.attempt(target, verdict.kind, verdict.kind === 'success' ? `http_${verdict.statusCode}` : verdict.reason, result.durationMs);
    if (verdict.kind === 'success') {
      deps.metrics.delivered(target, input.eventType, attemptNumber, Date.now() - Date.parse(input.messageTimestamp));
      let recorded = true;
      try {
        await records.succeeded(attempt, endpoint);
      } catch (error) {
        recorded = false;
        log.warn({ err: error }, 'delivered, but the record did not complete; the workflow will retry it');
      }
      log.info({ statusCode: verdict.statusCode, durationMs: result.durationMs }, 'delivered');
      return { attempt: attemptNumber, statusCode: verdict.statusCode, durationMs: result.durationMs, recorded, startedAt: result.startedAt.toISOString() };
    }

    const retryNote = verdict.kind === 'retryable' && verdict.retryAfterMs !== undefined ? ` (next attempt in ${verdict.retryAfterMs} ms, as Retry-After asked)` : '';
    const failed = { ...attempt, error: `${verdict.reason}: ${verdict.message}${retryNote}`, retryAfterMs: verdict.kind === 'retryable' ? verdict.retryAfterMs : undefined };
    // A permanent failure and a last attempt dead-letter whatever the circuit.
    const park = circuits && verdict.kind === 'retryable' && attemptNumber < policy.maxAttempts ? { ...parking, attempts: attemptNumber } : null;
    const parked = await records.failed(failed, endpoint, verdict, park, log);
    log.info({ reason: verdict.reason, kind: verdict.kind, durationMs: result.durationMs }, 'attempt failed');
    throw failureFor(verdict, attemptNumber, parked);
  };
}
