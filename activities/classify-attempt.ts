import { scheduledDelayMs, type DeliveryRetryPolicy } from '../workflows/definitions';
import type { HttpOutcome } from './http-attempt';

/**
 * What an attempt means for its delivery:
 * - `success`: 2xx.
 * - `retryable`: connection errors, timeouts (`dns_timeout`, a name whose DNS did not answer in time,
 *   included), 408, 425, 429 and 5xx; the retry policy schedules the next.
 * - `permanent`: any 3xx (redirects are never followed), every other 4xx, and a destination the SSRF policy
 *   refuses; the delivery dead-letters now.
 */
export type AttemptVerdict =
  | { kind: 'success'; statusCode: number }
  | { kind: 'retryable'; reason: string; message: string; statusCode?: number; retryAfterMs?: number }
  | { kind: 'permanent'; reason: string; message: string; statusCode?: number };

const RETRYABLE_4XX = new Set([408, 425, 429]);
const HONOURS_RETRY_AFTER = new Set([429, 503]);

/** Parses `Retry-After` (delay-seconds or an HTTP date) into milliseconds from `now`; undefined if unusable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function describeStatus(result: HttpOutcome & { statusCode: number }): string {
  const snippet = (result.responseBody ?? '').slice(0, 200).replace(/\s+/g, ' ').trim();
  return `receiver answered ${result.statusCode}${snippet ? `: ${snippet}` : ''}`;
}

/**
 * Classifies one attempt. A `Retry-After` on 429 or 503 sets the next delay, never shorter than the
 * schedule's own delay and never longer than the policy's maximum interval.
 */
export function classifyAttempt(
  result: HttpOutcome,
  policy: DeliveryRetryPolicy,
  attempt: number,
  now: number,
): AttemptVerdict {
  if (result.networkError || result.statusCode === undefined) {
    const { reason, message } = result.networkError ?? { reason: 'network_error', message: 'no answer' };
    // The URL points (or now resolves) somewhere we never send to: retrying cannot change that.
    if (reason === 'destination_blocked') return { kind: 'permanent', reason, message };
    return { kind: 'retryable', reason, message };
  }
  const statusCode = result.statusCode;
  if (statusCode >= 200 && statusCode < 300) return { kind: 'success', statusCode };
  const reason = `http_${statusCode}`;
  const message = describeStatus({ ...result, statusCode });
  if (statusCode >= 500 || RETRYABLE_4XX.has(statusCode)) {
    const requested = HONOURS_RETRY_AFTER.has(statusCode) ? parseRetryAfter(result.retryAfter, now) : undefined;
    const retryAfterMs =
      requested === undefined
        ? undefined
        : Math.min(policy.maxIntervalMs, Math.max(scheduledDelayMs(policy, attempt), requested));
    return { kind: 'retryable', reason, message, statusCode, retryAfterMs };
  }
  return { kind: 'permanent', reason, message, statusCode };
}
