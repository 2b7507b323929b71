import { performance } from 'node:perf_hooks';
import { sleep } from './stats';

/** What a load loop did. */
export interface LoadResult {
  /** Calls made. */
  sent: number;
  /** Calls that succeeded (`send` resolved true). */
  ok: number;
  /** `performance.now()` when the loop started and when its last call returned. */
  startedAt: number;
  endedAt: number;
}

/**
 * Closed loop: `concurrency` callers, each calling `send(n)` again as soon as the last call returned,
 * until `seconds` pass or `count` calls have been made. This finds the maximum rate.
 */
export async function closedLoop(
  options: { concurrency: number; seconds: number; count?: number },
  send: (n: number) => Promise<boolean>,
): Promise<LoadResult> {
  const startedAt = performance.now();
  const deadline = startedAt + options.seconds * 1000;
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  let next = 0;
  let ok = 0;
  const caller = async (): Promise<void> => {
    while (next < limit && performance.now() < deadline) {
      if (await send(next++)) ok += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, caller));
  return { sent: next, ok, startedAt, endedAt: performance.now() };
}

/**
 * Open loop: call `send(n)` at `rate` per second for `seconds`, on schedule whether or not earlier calls
 * have returned (as independent clients would), so a slow answer cannot hide queueing. At most
 * `maxInFlight` calls are outstanding; past that the schedule slips, and `endedAt` shows it.
 */
export async function pacedLoop(
  options: { rate: number; seconds: number; maxInFlight?: number },
  send: (n: number) => Promise<boolean>,
): Promise<LoadResult> {
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  const maxInFlight = options.maxInFlight ?? 512;
  const startedAt = performance.now();
  const pending = new Set<Promise<void>>();
  let next = 0;
  let ok = 0;
  while (next < total) {
    const due = Math.min(total, Math.floor(((performance.now() - startedAt) / 1000) * options.rate) + 1);
    while (next < due && pending.size < maxInFlight) {
      const call: Promise<void> = send(next++).then((success) => {
        if (success) ok += 1;
        pending.delete(call);
      });
      pending.add(call);
    }
    await sleep(Math.max(1, Math.min(20, 1000 / options.rate / 2)));
  }
  await Promise.all(pending);
  return { sent: next, ok, startedAt, endedAt: performance.now() };
}
