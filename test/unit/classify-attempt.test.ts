import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyAttempt, parseRetryAfter } from '../../activities/classify-attempt';
import type { HttpOutcome } from '../../activities/http-attempt';
import { scheduledDelayMs, type DeliveryRetryPolicy } from '../../workflows/definitions';

const policy: DeliveryRetryPolicy = { maxAttempts: 6, initialIntervalMs: 60_000, backoffCoefficient: 2, maxIntervalMs: 3_600_000 };
const now = Date.parse('2026-12-01T12:00:00Z');
const answered = (statusCode: number, extra: Partial<HttpOutcome> = {}): HttpOutcome => ({
  startedAt: new Date(now),
  durationMs: 12,
  statusCode,
  ...extra,
});

describe('the retry schedule', () => {
  test("follows the field report's default: 60 s, then doubling, capped at the maximum interval", () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempt) => scheduledDelayMs(policy, attempt)),
      [60_000, 120_000, 240_000, 480_000, 960_000],
    );
    assert.equal(scheduledDelayMs(policy, 12), 3_600_000);
    assert.equal(scheduledDelayMs({ ...policy, backoffCoefficient: 1 }, 5), 60_000);
  });
});

describe('Retry-After', () => {
  test('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Tue, 01 Dec 2026 12:05:00 GMT', now), 300_000);
    assert.equal(parseRetryAfter('Tue, 01 Dec 2026 11:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('what an attempt means for its delivery', () => {
  test('2xx delivers', () => {
    for (const status of [200, 201, 204, 299]) assert.deepEqual(classifyAttempt(answered(status), policy, 1, now), { kind: 'success', statusCode: status });
  });

  test('5xx, 408, 425 and 429 are retried with the status as reason code; other 4xx and every 3xx dead-letter at once', () => {
    for (const status of [500, 502, 503, 504, 408, 425, 429]) {
      const verdict = classifyAttempt(answered(status), policy, 1, now);
      assert.equal(verdict.kind === 'retryable' && verdict.reason, `http_${status}`, String(status));
    }
    for (const status of [301, 302, 307, 400, 401, 403, 404, 410, 422]) {
      assert.equal(classifyAttempt(answered(status), policy, 1, now).kind, 'permanent', String(status));
    }
  });

  test("Retry-After on 429 and 503 sets the next delay, never below the schedule's own nor above the maximum interval", () => {
    const delay = (status: number, retryAfter: string, attempt = 1): number | undefined => {
      const verdict = classifyAttempt(answered(status, { retryAfter }), policy, attempt, now);
      return verdict.kind === 'retryable' ? verdict.retryAfterMs : undefined;
    };
    assert.equal(delay(429, '300'), 300_000);
    assert.equal(delay(503, '300'), 300_000);
    assert.equal(delay(429, '1'), 60_000, 'a shorter wish waits the schedule out');
    assert.equal(delay(429, '1', 3), 240_000);
    assert.equal(delay(429, '86400'), 3_600_000, 'a day is clamped to the maximum interval');
    assert.equal(delay(500, '300'), undefined, 'only 429 and 503 are honoured');
    assert.equal(delay(429, 'later'), undefined);
  });

  test("the response body's start is in the message, so an operator sees why", () => {
    const verdict = classifyAttempt(answered(422, { responseBody: '{"error":\n  "amount missing"}' }), policy, 1, now);
    assert.equal(verdict.kind !== 'success' && verdict.message, 'receiver answered 422: {"error": "amount missing"}');
  });

  test('no answer is retried under its network reason; a refused destination is permanent', () => {
    for (const reason of ['timeout', 'connection_refused', 'dns_error', 'dns_timeout', 'connection_reset']) {
      const verdict = classifyAttempt({ startedAt: new Date(now), durationMs: 5, networkError: { reason, message: reason } }, policy, 1, now);
      assert.deepEqual(verdict, { kind: 'retryable', reason, message: reason });
    }
    const blocked = classifyAttempt(
      { startedAt: new Date(now), durationMs: 1, networkError: { reason: 'destination_blocked', message: 'refused' } },
      policy,
      1,
      now,
    );
    assert.equal(blocked.kind, 'permanent');
  });
});
