import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { scheduledDelayMs, scheduleLeftMs, type DeliveryRetryPolicy } from '../../workflows/definitions';

// The default schedule: 6 attempts, 60 s first delay, doubling, at most an hour apart.
const DEFAULT: DeliveryRetryPolicy = { maxAttempts: 6, initialIntervalMs: 60_000, backoffCoefficient: 2, maxIntervalMs: 3_600_000 };

describe('the retry schedule', () => {
  test('the delay after attempt n is initial × coefficient^(n-1), capped at the maximum interval', () => {
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => scheduledDelayMs(DEFAULT, n)), [60_000, 120_000, 240_000, 480_000, 960_000]);
    assert.equal(scheduledDelayMs({ ...DEFAULT, maxIntervalMs: 200_000 }, 4), 200_000);
  });

  test('what a parked delivery may still wait: the delays before each attempt it has left', () => {
    // Parked before its first attempt (or after it failed): every delay after attempt 1, about 31 minutes.
    assert.equal(scheduleLeftMs(DEFAULT, 1), 60_000 + 120_000 + 240_000 + 480_000 + 960_000);
    assert.equal(scheduleLeftMs(DEFAULT, 0), scheduleLeftMs(DEFAULT, 1));
    // After attempt 4: the delays after attempts 4 and 5.
    assert.equal(scheduleLeftMs(DEFAULT, 4), 480_000 + 960_000);
    // A last attempt has nothing left to wait (it is dead-lettered, never parked).
    assert.equal(scheduleLeftMs(DEFAULT, 6), 0);
    assert.equal(scheduleLeftMs({ ...DEFAULT, maxAttempts: 1 }, 1), 0);
    // The fast schedule of the dead-neighbour bench: 3 attempts, 1 s, doubling.
    assert.equal(scheduleLeftMs({ maxAttempts: 3, initialIntervalMs: 1000, backoffCoefficient: 2, maxIntervalMs: 60_000 }, 1), 3000);
  });
});
