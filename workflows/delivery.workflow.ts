import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  TemporalFailure,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { HookwayActivities } from './activity-contract';
import { afterFailure, initialState, nextAttempt, type AttemptShape } from './delivery-schedule';
import {
  DEAD_LETTERED_FAILURE_TYPE,
  deliveryFairnessKey,
  PARKED_FAILURE_TYPE,
  type AttemptFailureDetails,
  type DeliveryInput,
  type DeliveryResult,
  type DeliveryRetryPolicy,
} from './definitions';

// The HTTP deadline is enforced inside the activity; this margin only covers loading the endpoint and
// recording the attempt, so a stuck worker is noticed and the attempt retried elsewhere.
const ACTIVITY_OVERHEAD_MS = 10_000;
// Retries are dispatched after first attempts (Temporal's default priority is 3, lower numbers first): when
// the server is busy, new messages to healthy endpoints go ahead of attempts at ones that are failing.
const RETRY_PRIORITY = 4;

// Bookkeeping must eventually happen even through a long PostgreSQL outage, so it retries without limit.
const bookkeeping = proxyActivities<HookwayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * The activity that makes the next attempt. A `single` attempt runs inside the workflow task (a local
 * activity: no activity task to schedule, dispatch and complete); a worker lost mid-attempt times the
 * workflow task out and the attempt runs again, as an activity's would. A `pass` is the rest of the
 * schedule under Temporal's retry policy, dispatched fairly across endpoints at retry priority.
 */
function attemptActivity(shape: AttemptShape, policy: DeliveryRetryPolicy, timeoutMs: number, fairnessKey: string): Pick<HookwayActivities, 'sendWebhook'> {
  if (shape.mode === 'single') {
    return proxyLocalActivities<HookwayActivities>({ startToCloseTimeout: timeoutMs + ACTIVITY_OVERHEAD_MS, retry: { maximumAttempts: 1 } });
  }
  return proxyActivities<HookwayActivities>({
    startToCloseTimeout: timeoutMs + ACTIVITY_OVERHEAD_MS,
    priority: { fairnessKey, priorityKey: RETRY_PRIORITY },
    retry: {
      maximumAttempts: shape.maxAttempts,
      initialInterval: shape.initialIntervalMs,
      backoffCoefficient: policy.backoffCoefficient,
      maximumInterval: policy.maxIntervalMs,
    },
  });
}

/**
 * The failure of an attempt, unwrapped. An activity's failure arrives as an ActivityFailure around it; a
 * local activity's does too when it first happens, but replayed from its marker (a workflow evicted from
 * the worker's cache) it comes back bare (temporalio/sdk-core#449). Anything else is not an attempt's.
 */
function attemptFailure(error: unknown): { cause: TemporalFailure | undefined } | undefined {
  if (error instanceof ActivityFailure) return { cause: error.cause instanceof TemporalFailure ? error.cause : undefined };
  if (error instanceof ApplicationFailure || error instanceof TimeoutFailure) return { cause: error };
  return undefined;
}

function attemptDetails(cause: TemporalFailure | undefined): AttemptFailureDetails {
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as AttemptFailureDetails | undefined;
    return details ?? { attempt: 0, reason: cause.type ?? 'unknown' };
  }
  return { attempt: 0, reason: cause instanceof TimeoutFailure ? 'activity_timeout' : 'unknown' };
}

// Whether Temporal would have retried the failed attempt: a retryable reason, or the worker lost it.
function retryable(cause: TemporalFailure | undefined): boolean {
  return cause instanceof ApplicationFailure ? !cause.nonRetryable : cause instanceof TimeoutFailure;
}

// An ordered delivery lets its stream start the next one as soon as it is done, either way.
async function notifyStream(input: DeliveryInput): Promise<void> {
  if (input.orderingKey !== undefined) await bookkeeping.notifyStream({ endpointId: input.endpointId, orderingKey: input.orderingKey });
}

/**
 * Delivers one message to one endpoint, following the endpoint's retry schedule (see delivery-schedule.ts).
 * When the attempts run out (or one fails permanently) the delivery is dead-lettered and the workflow
 * fails, so it shows as Failed in the Web UI and `temporal workflow reset` can run it again. Behind an
 * open circuit the run closes parked (Failed, `DeliveryParked`): PostgreSQL keeps the delivery, and the
 * endpoint's circuit workflow runs it again under the same workflow ID, or dead-letters it.
 */
export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliveryResult> {
  const policy = input.retryPolicy;
  let state = initialState(input.attemptsBefore, input.circuitBypass === 'probe');
  for (;;) {
    const { sendWebhook } = attemptActivity(nextAttempt(policy, state), policy, input.timeoutMs, deliveryFairnessKey(input));
    try {
      const success = await sendWebhook({
        ...input,
        attemptOffset: state.made,
        reservedSlotAt: state.reservedSlotAt,
        circuitBypass: state.probe ? 'probe' : undefined,
      });
      if (!success.recorded) {
        await bookkeeping.recordSuccess({ deliveryId: input.deliveryId, endpointId: input.endpointId }, workflowInfo().runId, success);
      }
      await notifyStream(input);
      return { status: 'succeeded', attempts: success.attempt, statusCode: success.statusCode };
    } catch (error) {
      const failure = attemptFailure(error);
      if (!failure) throw error;
      const details = attemptDetails(failure.cause);
      const step = afterFailure(policy, state, { details, retryable: retryable(failure.cause) });
      if (step.next === 'wait') {
        state = step.state;
        await sleep(step.delayMs);
        continue;
      }
      if (step.next === 'park') {
        throw ApplicationFailure.create({
          type: PARKED_FAILURE_TYPE,
          message: `parked after ${step.attempts} attempt(s): the endpoint's circuit is open; it runs again when the circuit closes`,
          nonRetryable: true,
          details: [details],
          cause: failure.cause,
        });
      }
      const message = `${details.reason}: ${failure.cause?.message ?? String(error)}`;
      await bookkeeping.deadLetter({
        deliveryId: input.deliveryId,
        messageId: input.messageId,
        endpointId: input.endpointId,
        eventType: input.eventType,
        workflowId: workflowInfo().workflowId,
        runId: workflowInfo().runId,
        error: message,
        attempts: step.attempts,
      });
      await notifyStream(input);
      throw ApplicationFailure.create({
        type: DEAD_LETTERED_FAILURE_TYPE,
        message: `dead-lettered after ${step.attempts} attempt(s): ${message}`,
        nonRetryable: true,
        details: [details],
        cause: failure.cause,
      });
    }
  }
}
