import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { afterFailure, initialState, nextAttempt, type ScheduleState } from '../../workflows/delivery-schedule';
import { RATE_LIMITED_FAILURE_TYPE, type DeliveryRetryPolicy } from '../../workflows/definitions';

// 6 attempts: 60 s after the first, then 120 s, 240 s, 480 s, 960 s.
const POLICY: DeliveryRetryPolicy = { maxAttempts: 6, initialIntervalMs: 60_000, backoffCoefficient: 2, maxIntervalMs: 3_600_000 };
const fresh = initialState(undefined, false);
const failed = (attempt: number, reason = 'http_503', extra: Record<string, unknown> = {}) => ({ details: { attempt, reason, ...extra }, retryable: true });

describe('a delivery run, step by step', () => {
  test('a new delivery makes its first attempt alone, inside the workflow task', () => {
    assert.deepEqual(fresh, { made: 0, probe: false });
    assert.deepEqual(nextAttempt(POLICY, fresh), { mode: 'single' });
  });

  test('a failed first attempt waits its delay (or Retry-After), then the rest of the schedule runs as one pass', () => {
    const step = afterFailure(POLICY, fresh, failed(1));
    assert.deepEqual(step, { next: 'wait', delayMs: 60_000, state: { made: 1, probe: false } });
    assert.deepEqual(afterFailure(POLICY, fresh, failed(1, 'http_429', { retryAfterMs: 5_000 })), { next: 'wait', delayMs: 5_000, state: { made: 1, probe: false } });
    // The pass: the 5 attempts left, its first at once, then 120 s, 240 s, ... apart.
    assert.deepEqual(nextAttempt(POLICY, { made: 1, probe: false }), { mode: 'pass', maxAttempts: 5, initialIntervalMs: 120_000 });
  });

  test('a pass that runs out, a permanent failure, and a last attempt are dead-lettered with the attempts made', () => {
    assert.deepEqual(afterFailure(POLICY, { made: 1, probe: false }, failed(6)), { next: 'dead-letter', attempts: 6 });
    assert.deepEqual(afterFailure(POLICY, fresh, { details: { attempt: 1, reason: 'http_400' }, retryable: false }), { next: 'dead-letter', attempts: 1 });
    const oneShot = { ...POLICY, maxAttempts: 1 };
    assert.deepEqual(afterFailure(oneShot, fresh, failed(1)), { next: 'dead-letter', attempts: 1 });
  });

  test('a worker lost mid-attempt counts as the attempt it was making', () => {
    // A timed-out local activity reports no attempt number: it was attempt made+1.
    assert.deepEqual(afterFailure(POLICY, fresh, { details: { attempt: 0, reason: 'activity_timeout' }, retryable: true }), {
      next: 'wait',
      delayMs: 60_000,
      state: { made: 1, probe: false },
    });
    assert.deepEqual(afterFailure(POLICY, { made: 3, probe: false }, { details: { attempt: 0, reason: 'activity_timeout' }, retryable: true }), {
      next: 'dead-letter',
      attempts: 4,
    });
  });

  test('behind an open circuit the run parks with the attempts made before, whether it attempted or not', () => {
    assert.deepEqual(afterFailure(POLICY, fresh, { details: { attempt: 0, reason: 'circuit_open', parked: true }, retryable: false }), { next: 'park', attempts: 0 });
    assert.deepEqual(afterFailure(POLICY, { made: 2, probe: false }, { details: { attempt: 3, reason: 'http_503', parked: true }, retryable: false }), {
      next: 'park',
      attempts: 3,
    });
  });

  test('a run after parking continues the schedule: released, it runs the rest as a pass; as a probe, one attempt first', () => {
    const released = initialState(2, false);
    assert.deepEqual(nextAttempt(POLICY, released), { mode: 'pass', maxAttempts: 4, initialIntervalMs: 240_000 });
    const probe: ScheduleState = initialState(2, true);
    assert.deepEqual(nextAttempt(POLICY, probe), { mode: 'single' });
    // A probe that fails without parking (the circuit closed meanwhile) waits and hands over to a pass.
    assert.deepEqual(afterFailure(POLICY, probe, failed(3)), { next: 'wait', delayMs: 240_000, state: { made: 3, probe: false } });
    // Released after its endpoint's maxAttempts was lowered below what it made: one attempt, then the end.
    assert.deepEqual(nextAttempt({ ...POLICY, maxAttempts: 3 }, initialState(4, false)), { mode: 'pass', maxAttempts: 1, initialIntervalMs: 960_000 });
    assert.deepEqual(afterFailure({ ...POLICY, maxAttempts: 3 }, initialState(4, false), failed(5)), { next: 'dead-letter', attempts: 5 });
    // A delivery that parked before its first attempt is released as a new one: its first attempt alone.
    assert.deepEqual(nextAttempt(POLICY, initialState(0, false)), { mode: 'single' });
  });

  test('a distant rate-limit slot is waited for on a timer, waking a little early, without using an attempt', () => {
    const at = 1_700_000_000_000;
    const step = afterFailure(POLICY, { made: 1, probe: false }, { details: { attempt: 2, reason: RATE_LIMITED_FAILURE_TYPE, waitMs: 5_000, slotAt: at }, retryable: false });
    assert.deepEqual(step, { next: 'wait', delayMs: 4_250, state: { made: 1, probe: false, reservedSlotAt: at } });
    // A first attempt stays a single attempt in its slot; a probe stays the probe.
    const first = afterFailure(POLICY, { made: 0, probe: true }, { details: { attempt: 1, reason: RATE_LIMITED_FAILURE_TYPE, waitMs: 200, slotAt: at }, retryable: false });
    assert.deepEqual(first, { next: 'wait', delayMs: 0, state: { made: 0, probe: true, reservedSlotAt: at } });
  });
});
