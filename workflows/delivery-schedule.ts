import { scheduledDelayMs, RATE_LIMITED_FAILURE_TYPE, type AttemptFailureDetails, type DeliveryRetryPolicy } from './definitions';

// Timers and task dispatch add latency; waking this much before a rate-limit slot keeps the send on time.
const SLOT_WAKE_EARLY_MS = 750;

/** Where a delivery run is in its schedule. */
export interface ScheduleState {
  /** Attempts made so far, by this run and the runs before it (a run after parking continues the count). */
  made: number;
  /** The next attempt is the probe of the endpoint's open circuit. */
  probe: boolean;
  /** A rate-limit slot reserved for the next attempt (epoch ms). */
  reservedSlotAt?: number;
}

/**
 * How the next attempt runs: `single`, one attempt inside the workflow task (a local activity: the common
 * case of a receiver that answers at once costs one workflow task); or `pass`, the rest of the schedule as
 * one activity under Temporal's retry policy, its first attempt at once, at retry priority.
 */
export type AttemptShape = { mode: 'single' } | { mode: 'pass'; maxAttempts: number; initialIntervalMs: number };

/** What a failed attempt reported, unwrapped from its Temporal failure. */
export interface FailedAttempt {
  details: AttemptFailureDetails;
  /** Whether Temporal would retry it: a retryable reason, or a worker lost mid-attempt. */
  retryable: boolean;
}

/**
 * What a run does after a failed attempt: `wait` on a durable timer, then go on from `state`; `park`
 * (the endpoint's circuit is open: the run closes, PostgreSQL keeps the delivery); or `dead-letter`.
 */
export type AfterFailure =
  | { next: 'wait'; delayMs: number; state: ScheduleState }
  | { next: 'park'; attempts: number }
  | { next: 'dead-letter'; attempts: number };

/** Where a run starts: from scratch, or where the delivery was when it parked (as its probe, or released). */
export function initialState(attemptsBefore: number | undefined, probe: boolean): ScheduleState {
  return { made: attemptsBefore ?? 0, probe };
}

/** The shape of the next attempt: a first attempt and a probe run alone; the rest of the schedule is a pass. */
export function nextAttempt(policy: DeliveryRetryPolicy, state: ScheduleState): AttemptShape {
  if (state.made === 0 || state.probe) return { mode: 'single' };
  // The pass continues the schedule: its own attempts are initial × coefficient^made apart, and so on. A
  // delivery run again after its endpoint's maxAttempts was lowered below what it made gets one attempt.
  return { mode: 'pass', maxAttempts: Math.max(1, policy.maxAttempts - state.made), initialIntervalMs: scheduledDelayMs(policy, state.made + 1) };
}

/** The step after a failed attempt made from `state`. */
export function afterFailure(policy: DeliveryRetryPolicy, state: ScheduleState, failure: FailedAttempt): AfterFailure {
  const { details, retryable } = failure;
  if (details.reason === RATE_LIMITED_FAILURE_TYPE && details.waitMs !== undefined && details.slotAt !== undefined) {
    // The endpoint's rate limit reserved a slot further out than an activity should wait: no request was
    // made; wait on a timer that holds no worker slot, and wake a little early to send exactly in the slot.
    return {
      next: 'wait',
      delayMs: Math.max(0, details.waitMs - SLOT_WAKE_EARLY_MS),
      state: { made: details.attempt - 1, probe: state.probe, reservedSlotAt: details.slotAt },
    };
  }
  // A parked attempt reports the attempts made before it; a lost worker reports none (attempt 0).
  const attempted = details.parked ? details.attempt : details.attempt || state.made + 1;
  if (details.parked) return { next: 'park', attempts: attempted };
  if (nextAttempt(policy, state).mode === 'single' && retryable && attempted < policy.maxAttempts) {
    // A first attempt (or a probe) failed and may be retried: wait as Temporal would have, or as
    // Retry-After asked, then hand the rest of the schedule to a pass.
    return { next: 'wait', delayMs: details.retryAfterMs ?? scheduledDelayMs(policy, attempted), state: { made: attempted, probe: false } };
  }
  return { next: 'dead-letter', attempts: attempted };
}
