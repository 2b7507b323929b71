import { performance } from 'node:perf_hooks';
import type { EndpointSpec } from './api-client';
import { messageId, withCpu, type BenchContext } from './context';
import { closedLoop, pacedLoop } from './load';
import type { CpuUsage } from './proc-stats';
import { percentiles, perSecond, type Percentiles } from './stats';

/** Hookway at its maximum rate: a closed loop of POSTs, `fanout` endpoints per message. */
export interface MaxRateResult {
  fanout: number;
  /** Messages answered 202 per second while posting. */
  acceptedPerSec: number;
  /** Deliveries those messages carry, per second (`acceptedPerSec × fanout`). */
  deliveriesAcceptedPerSec: number;
  /** Deliveries per second, from the first POST to the last arrival (the sustained end-to-end rate). */
  deliveredPerSec: number;
  /** Deliveries arriving per second while posts were still being made. */
  deliveredDuringLoadPerSec: number;
  accepted: number;
  deliveries: number;
  delivered: number;
  /** Seconds from the last POST until the last delivery arrived. */
  drainSeconds: number;
  allDelivered: boolean;
  /** CPU over load and drain: divide by `delivered` for the cost of one delivery. */
  cpu: CpuUsage;
}

/** Latency of Hookway at a paced rate. */
export interface PacedResult {
  targetPerSec: number;
  /** Messages actually sent per second (below target when the API could not keep up). */
  sentPerSec: number;
  accepted: number;
  delivered: number;
  /**
   * Accepted deliveries still missing when the wait ended; they enter the percentiles with the time
   * waited so far, which makes the percentiles lower bounds whenever this is not 0.
   */
  undelivered: number;
  /** Receiver arrival minus the 202, ms (negative when a delivery beat its own 202 back to the bench). */
  latencyMs: Percentiles;
  /** Round trip of `POST /v1/messages`, ms. */
  acceptMs: Percentiles;
}

/** Every route a phase created, and how many of the ledger's accepted deliveries to them have arrived. */
function arrivals(ctx: BenchContext, labels: string[], ids?: Set<string>): { expected: number; arrived: number } {
  let expected = 0;
  let arrived = 0;
  for (const label of labels) {
    const delivered = ctx.receiver.route(label).delivered;
    for (const id of ctx.ledger.acceptedFor(label).keys()) {
      if (ids && !ids.has(id)) continue;
      expected += 1;
      if (delivered.has(id)) arrived += 1;
    }
  }
  return { expected, arrived };
}

/** Waits (at most `timeoutMs`, by default the drain timeout) until every accepted delivery to `labels` arrived. */
export async function drain(ctx: BenchContext, labels: string[], ids?: Set<string>, timeoutMs = ctx.settings.drainTimeoutSeconds * 1000): Promise<boolean> {
  return ctx.receiver.waitUntil(() => {
    const { expected, arrived } = arrivals(ctx, labels, ids);
    return arrived >= expected;
  }, timeoutMs);
}

/** Creates `count` endpoints subscribed to `eventType`, at routes `<label>-<i>`. @returns the routes. */
export async function endpoints(
  ctx: BenchContext,
  label: string,
  eventType: string,
  count: number,
  retryPolicy?: EndpointSpec['retryPolicy'],
): Promise<string[]> {
  const labels = Array.from({ length: count }, (_, i) => `${label}-${i}`);
  for (const route of labels) await ctx.api.createEndpoint(route, { url: ctx.receiver.url(route), eventType, retryPolicy });
  return labels;
}

/**
 * POSTs messages from `BENCH_CONCURRENCY` callers, each to `fanout` endpoints, until
 * `BENCH_MAX_DELIVERIES` deliveries or `BENCH_SECONDS` passed, then waits for every accepted delivery.
 * Delivered/s is the batch over first POST to last arrival, like the Temporal floor (see there why).
 */
export async function runMaxRate(ctx: BenchContext, options: { label: string; fanout: number }): Promise<MaxRateResult> {
  const eventType = `bench.${options.label}`;
  const labels = await endpoints(ctx, options.label, eventType, options.fanout);
  const { concurrency, seconds, maxDeliveries } = ctx.settings;
  const [run, cpu] = await withCpu(ctx, async () => {
    const load = await closedLoop({ concurrency, seconds, count: Math.ceil(maxDeliveries / options.fanout) }, (n) =>
      ctx.api.send(messageId(ctx, options.label, n), eventType),
    );
    const allDelivered = await drain(ctx, labels);
    return { load, allDelivered };
  });
  const { load, allDelivered } = run;
  const { expected, arrived } = arrivals(ctx, labels);
  let lastArrival = load.endedAt;
  for (const label of labels) for (const at of ctx.receiver.route(label).delivered.values()) lastArrival = Math.max(lastArrival, at);
  const loadMs = load.endedAt - load.startedAt;
  return {
    fanout: options.fanout,
    acceptedPerSec: perSecond(load.ok, loadMs),
    deliveriesAcceptedPerSec: perSecond(load.ok * options.fanout, loadMs),
    deliveredPerSec: perSecond(arrived, lastArrival - load.startedAt),
    deliveredDuringLoadPerSec: perSecond(ctx.receiver.deliveredBetween(labels, load.startedAt, load.endedAt), loadMs),
    accepted: load.ok,
    deliveries: expected,
    delivered: arrived,
    drainSeconds: Math.round((lastArrival - load.endedAt) / 100) / 10,
    allDelivered,
    cpu,
  };
}

/**
 * Sends to the endpoint at route `label` at `rate` messages per second for `seconds` (open loop), waits
 * for every delivery, and reports accepted-to-delivered latency for the messages of this run only.
 */
export async function runPaced(
  ctx: BenchContext,
  options: { label: string; eventType: string; rate: number; seconds: number; idPrefix: string; waitMs?: number },
): Promise<PacedResult> {
  const ids = new Set<string>();
  const acceptMs: number[] = [];
  const load = await pacedLoop({ rate: options.rate, seconds: options.seconds }, async (n) => {
    const id = messageId(ctx, options.idPrefix, n);
    ids.add(id);
    const started = performance.now();
    const ok = await ctx.api.send(id, options.eventType);
    if (ok) acceptMs.push(performance.now() - started);
    return ok;
  });
  await drain(ctx, [options.label], ids, options.waitMs);
  const cutoff = performance.now();
  const accepted = ctx.ledger.acceptedFor(options.label);
  const delivered = ctx.receiver.route(options.label).delivered;
  const latencies: number[] = [];
  let undelivered = 0;
  for (const id of ids) {
    const acceptedAt = accepted.get(id);
    if (acceptedAt === undefined) continue;
    const arrivedAt = delivered.get(id);
    if (arrivedAt === undefined) undelivered += 1;
    latencies.push((arrivedAt ?? cutoff) - acceptedAt);
  }
  return {
    targetPerSec: Math.round(options.rate * 10) / 10,
    sentPerSec: perSecond(load.sent, load.endedAt - load.startedAt),
    accepted: load.ok,
    delivered: latencies.length - undelivered,
    undelivered,
    latencyMs: percentiles(latencies),
    acceptMs: percentiles(acceptMs),
  };
}
