import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  TemporalFailure,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  CIRCUIT_OPEN_FAILURE_TYPE,
  circuitWakeSignal,
  DEAD_LETTERED_FAILURE_TYPE,
  RATE_LIMITED_FAILURE_TYPE,
  scheduledDelayMs,
  type AttemptFailureDetails,
  type CircuitWake,
  type DeliveryInput,
  type DeliveryResult,
  type DeliveryRetryPolicy,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

// The HTTP deadline is enforced inside the activity; this margin only covers loading the endpoint and
// recording the attempt, so a stuck worker is noticed and the attempt retried elsewhere.
const ACTIVITY_OVERHEAD_MS = 10_000;
// Timers and task dispatch add latency; waking this much before a rate-limit slot keeps the send on time.
const SLOT_WAKE_EARLY_MS = 750;
// Retries are dispatched after first attempts (Temporal's default priority is 3, lower numbers first): when
// the server is busy, new messages to healthy endpoints go ahead of attempts at ones that are failing.
const RETRY_PRIORITY = 4;

// Bookkeeping must eventually happen even through a long PostgreSQL outage, so it retries without limit.
const bookkeeping = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function httpActivities(policy: DeliveryRetryPolicy, timeoutMs: number, endpointId: string, priorityKey?: number): Activities {
  return proxyActivities<Activities>({
    startToCloseTimeout: timeoutMs + ACTIVITY_OVERHEAD_MS,
    // Task queues dispatch fairly across endpoints (where the server enables fairness): one endpoint's
    // thousands of retries cannot queue ahead of another endpoint's first attempts.
    priority: { fairnessKey: endpointId, priorityKey },
    retry: {
      maximumAttempts: policy.maxAttempts,
      initialInterval: policy.initialIntervalMs,
      backoffCoefficient: policy.backoffCoefficient,
      maximumInterval: policy.maxIntervalMs,
    },
  });
}

// The first attempt inside the workflow task: no activity task to schedule, dispatch and complete, so the
// common case (a receiver that answers at once) costs Temporal and the worker one workflow task. A worker
// lost mid-attempt times the workflow task out and the attempt runs again, as an activity's would.
function localAttempt(timeoutMs: number): Pick<Activities, 'sendWebhook'> {
  return proxyLocalActivities<Activities>({
    startToCloseTimeout: timeoutMs + ACTIVITY_OVERHEAD_MS,
    retry: { maximumAttempts: 1 },
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

// What the schedule still had to wait from the delay after attempt `from` on: the delays before each
// attempt still to come.
function remainingScheduleMs(policy: DeliveryRetryPolicy, from: number): number {
  let total = 0;
  for (let attempt = Math.max(1, from); attempt < policy.maxAttempts; attempt += 1) total += scheduledDelayMs(policy, attempt);
  return total;
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
 * Delivers one message to one endpoint. The HTTP attempt runs as an activity under the endpoint's retry
 * policy; when the attempts run out (or one fails permanently) the delivery is dead-lettered and the
 * workflow fails, so it shows as Failed in the Web UI and `temporal workflow reset` can run it again.
 */
export async function deliveryWorkflow(input: DeliveryInput): Promise<DeliveryResult> {
  const policy = input.retryPolicy;
  // Set in the input of deliveries started since this schedule exists: older histories replay the
  // single-pass schedule. (Not `patched()`: in this SDK it also upserts a search attribute, a visibility
  // write per delivery.)
  const firstAlone = input.firstAttemptAlone === true;
  let made = 0;
  let reservedSlotAt: number | undefined;
  // Set while parked, by the endpoint's circuit workflow.
  let wake: CircuitWake | undefined;
  setHandler(circuitWakeSignal, (signalled) => {
    wake = signalled;
  });
  // The next attempt goes past an open circuit: as its probe, or as the final attempt of a parked delivery.
  let bypass: 'probe' | 'final' | undefined;
  // Armed at the first parking: when the schedule would have run out. Parking again never moves it.
  let scheduleOver: boolean | undefined;
  for (;;) {
    // Each pass is one activity execution under Temporal's retry policy, with the attempts left: the first
    // attempt alone at normal priority, then the rest at retry priority, the schedule continuing where the
    // delivery is (so a pass after attempt n waits initial × coefficient^n between its own attempts). A
    // probe or final attempt is a pass of one.
    const alone = firstAlone && made === 0;
    const single = alone || bypass !== undefined;
    const { sendWebhook } = single && input.firstAttemptLocal === true ? localAttempt(input.timeoutMs) : httpActivities(
      firstAlone
        ? { ...policy, maxAttempts: single ? 1 : policy.maxAttempts - made, initialIntervalMs: scheduledDelayMs(policy, made + 1) }
        : { ...policy, maxAttempts: bypass ? 1 : policy.maxAttempts - made },
      input.timeoutMs,
      input.endpointId,
      firstAlone && !alone ? RETRY_PRIORITY : undefined,
    );
    try {
      // A wake still pending is from an earlier parking (a release racing a re-park): this attempt answers it.
      wake = undefined;
      const success = await sendWebhook({ ...input, attemptOffset: made, reservedSlotAt, ...(bypass ? { circuitBypass: bypass } : {}) });
      if (!success.recorded) {
        await bookkeeping.recordSuccess({ deliveryId: input.deliveryId, endpointId: input.endpointId }, workflowInfo().runId, success);
      }
      await notifyStream(input);
      return { status: 'succeeded', attempts: success.attempt, statusCode: success.statusCode };
    } catch (error) {
      const failure = attemptFailure(error);
      if (!failure) throw error;
      const details = attemptDetails(failure.cause);
      if (details.reason === RATE_LIMITED_FAILURE_TYPE && details.waitMs !== undefined && details.slotAt !== undefined) {
        // The endpoint's rate limit reserved a slot further out than an activity should wait: wait here,
        // on a durable timer that holds no worker slot, and wake a little early so the activity can send
        // exactly in its slot. No request was made.
        made = details.attempt - 1;
        reservedSlotAt = details.slotAt;
        await sleep(Math.max(0, details.waitMs - SLOT_WAKE_EARLY_MS));
        continue;
      }
      const attempted = details.parked ? details.attempt : details.attempt || made + 1;
      reservedSlotAt = undefined;
      if (details.parked && bypass !== 'final' && attempted < policy.maxAttempts) {
        // The endpoint's circuit is open: wait for its workflow to release or probe this delivery, no
        // longer than the rest of the schedule would have taken; then make the final attempt regardless.
        made = attempted;
        if (scheduleOver === undefined) {
          // Parked instead of making attempt made+1, its delay already waited; or parked after attempt made.
          const left = remainingScheduleMs(policy, details.reason === CIRCUIT_OPEN_FAILURE_TYPE && made > 0 ? made + 1 : made);
          scheduleOver = left <= 0;
          if (!scheduleOver) {
            void sleep(left).then(() => {
              scheduleOver = true;
            });
          }
        }
        await condition(() => wake !== undefined || scheduleOver === true);
        bypass = scheduleOver === true ? 'final' : wake === 'probe' ? 'probe' : undefined;
        continue;
      }
      if (single && bypass !== 'final' && retryable(failure.cause) && attempted < policy.maxAttempts) {
        // A first attempt (or a probe) failed and may be retried: wait as Temporal would have (or as
        // Retry-After asked), on a durable timer, then hand the rest of the schedule to a lower-priority pass.
        made = attempted;
        bypass = undefined;
        await sleep(details.retryAfterMs ?? scheduledDelayMs(policy, attempted));
        continue;
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
        attempts: details.attempt,
      });
      await notifyStream(input);
      throw ApplicationFailure.create({
        type: DEAD_LETTERED_FAILURE_TYPE,
        message: `dead-lettered after ${details.attempt} attempt(s): ${message}`,
        nonRetryable: true,
        details: [details],
        cause: failure.cause,
      });
    }
  }
}
