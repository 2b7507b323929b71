import { performance } from 'node:perf_hooks';
import { messageId, withCpu, type BenchContext } from './context';
import type { DeliveryCheck } from './delivery-check';
import { drain, endpoints } from './hookway-throughput';
import { closedLoop } from './load';
import { peakRssMb, type CpuUsage } from './proc-stats';
import type { MachineInfo } from './report';
import { perSecond, sleep } from './stats';
import { textTable, writeReportFile } from './text-table';

/** A short, flat schedule, so a recovered receiver is retried within 2 s and drain time measures Hookway. */
const BACKLOG_RETRIES = { maxAttempts: 100, initialIntervalMs: 2000, backoffCoefficient: 1, maxIntervalMs: 2000 };

const PROGRESS_EVERY_MS = 5000;

/** Where the drain stands: arrived, and where the rest wait (outbox, parked behind a circuit, or running). */
async function sayProgress(ctx: BenchContext, labels: string[], since: number): Promise<void> {
  const arrived = labels.reduce((sum, label) => sum + ctx.receiver.route(label).delivered.size, 0);
  const { rows } = await ctx.pg
    .query<{ outbox: number; parked: number; pending: number; open: number }>(
      `SELECT (SELECT count(*) FROM delivery_outbox)::int AS outbox,
              (SELECT count(*) FROM deliveries WHERE status = 'pending' AND parked_at IS NOT NULL)::int AS parked,
              (SELECT count(*) FROM deliveries WHERE status = 'pending')::int AS pending,
              (SELECT count(*) FROM endpoints WHERE circuit_opened_at IS NOT NULL)::int AS open`,
    )
    .catch(() => ({ rows: [] }));
  const at = Math.round((performance.now() - since) / 1000);
  const row = rows[0];
  ctx.say(`backlog drain +${at}s: ${arrived} arrived${row ? `; pending ${row.pending} (parked ${row.parked}, outbox ${row.outbox}); open circuits ${row.open}` : ''}`);
}

/** Deliveries queued behind a failing receiver, then drained once it recovers. */
export interface BacklogResult {
  /** Deliveries accepted (the target is `BENCH_BACKLOG`). */
  size: number;
  /** Endpoints they were spread over, all on the one receiver. */
  endpoints: number;
  enqueueSeconds: number;
  /** Deliveries accepted per second while enqueuing. */
  enqueuePerSec: number;
  /** Deliveries that had been tried (and answered 503) before the receiver recovered. */
  attemptedBeforeRecovery: number;
  /** 503 answers before recovery. */
  refusedAttempts: number;
  /** Recovery to last delivery, seconds; null when the drain timeout came first. */
  drainSeconds: number | null;
  /** Deliveries per second after recovery. */
  drainPerSec: number;
  /** When not drained in time: `size / drainPerSec`, an extrapolation, not a measurement. */
  extrapolatedDrainSeconds: number | null;
  /** `BENCH_BACKLOG / drainPerSec`: the drain time of the full target, extrapolated when fewer were queued. */
  extrapolatedTargetDrainSeconds: number | null;
  delivered: number;
  /** Peak RSS (MB) sampled every 200 ms from the first POST until the receiver recovered. */
  peakRssMb: { api: number; worker: number };
  /** Each process's lifetime peak (VmHWM) at the end of the drain, MB. */
  lifetimeHwmMb: { api: number; worker: number };
  enqueueCpu: CpuUsage;
  drainCpu: CpuUsage;
}

/**
 * Queues up to `BENCH_BACKLOG` deliveries (`BENCH_FANOUT` endpoints per message, all on one receiver
 * answering 503, so the API's per-message cost does not cap how many get queued), holds
 * `BENCH_BACKLOG_HOLD_SECONDS` while they retry every 2 s, then lets the receiver answer 200 and times
 * the drain. Memory is sampled from the first POST until the recovery.
 */
export async function runBacklog(ctx: BenchContext): Promise<BacklogResult> {
  const eventType = 'bench.backlog';
  const { backlog, fanout, concurrency, enqueueTimeoutSeconds, backlogHoldSeconds, backlogDrainSeconds } = ctx.settings;
  const perMessage = Math.min(fanout, backlog);
  const labels = Array.from({ length: perMessage }, (_, i) => `backlog-${i}`);
  for (const label of labels) ctx.receiver.setMode(label, 'fail');
  await endpoints(ctx, 'backlog', eventType, perMessage, BACKLOG_RETRIES);
  ctx.rss.mark();
  const [enqueue, enqueueCpu] = await withCpu(ctx, () =>
    closedLoop({ concurrency, seconds: enqueueTimeoutSeconds, count: Math.ceil(backlog / perMessage) }, (n) =>
      ctx.api.send(messageId(ctx, 'backlog', n), eventType),
    ),
  );
  await sleep(backlogHoldSeconds * 1000);
  const peak = ctx.rss.peak();
  const routes = labels.map((label) => ctx.receiver.route(label));
  const attemptedBeforeRecovery = routes.reduce((sum, route) => sum + route.refused.size, 0);
  const refusedAttempts = routes.reduce((sum, route) => sum + route.requests, 0);

  for (const label of labels) ctx.receiver.setMode(label, 'ok');
  const recoveredAt = performance.now();
  const progress = setInterval(() => void sayProgress(ctx, labels, recoveredAt), PROGRESS_EVERY_MS);
  const [drained, drainCpu] = await withCpu(ctx, () => drain(ctx, labels, undefined, backlogDrainSeconds * 1000)).finally(() =>
    clearInterval(progress),
  );
  const finishedAt = performance.now();
  const size = labels.reduce((sum, label) => sum + ctx.ledger.acceptedFor(label).size, 0);
  let last = recoveredAt;
  for (const route of routes) for (const at of route.delivered.values()) last = Math.max(last, at);
  const delivered = routes.reduce((sum, route) => sum + route.delivered.size, 0);
  const drainPerSec = perSecond(delivered, (drained ? last : finishedAt) - recoveredAt);
  const hwm = (pid: number): number => Math.round(peakRssMb(pid) ?? 0);
  const enqueueMs = enqueue.endedAt - enqueue.startedAt;
  return {
    size,
    endpoints: perMessage,
    enqueueSeconds: Math.round(enqueueMs / 100) / 10,
    enqueuePerSec: perSecond(enqueue.ok * perMessage, enqueueMs),
    attemptedBeforeRecovery,
    refusedAttempts,
    drainSeconds: drained ? Math.round((last - recoveredAt) / 100) / 10 : null,
    drainPerSec,
    extrapolatedDrainSeconds: drained || drainPerSec === 0 ? null : Math.round(size / drainPerSec),
    extrapolatedTargetDrainSeconds: drainPerSec === 0 ? null : Math.round(backlog / drainPerSec),
    delivered,
    peakRssMb: { api: peak.api ?? 0, worker: peak.worker ?? 0 },
    lifetimeHwmMb: { api: hwm(ctx.stack.api.pid), worker: hwm(ctx.stack.worker.pid) },
    enqueueCpu,
    drainCpu,
  };
}

/** `bench-results/backlog.json`. */
export interface BacklogReport {
  scenario: 'backlog';
  backlog: BacklogResult;
  delivery: DeliveryCheck;
  machine: MachineInfo;
  durationSeconds: number;
}

/** Writes the report next to `latest.json`. */
export function writeBacklogResults(report: BacklogReport, outDir: string): void {
  writeReportFile(outDir, 'backlog.json', report);
}

/** The scenario as a plain-text table for stdout. */
export function renderBacklogTable(report: BacklogReport): string {
  const { backlog: b, delivery: d, machine } = report;
  const cpu = (usage: CpuUsage): string =>
    Object.entries(usage.groups)
      .filter(([, seconds]) => seconds > 0.05)
      .map(([group, seconds]) => `${group} ${seconds}`)
      .join(', ');
  const rows: [string, string, string][] = [
    ['Accepted', `${b.size} deliveries`, `${b.enqueuePerSec}/s over ${b.enqueueSeconds} s, ${b.endpoints} endpoints on one failing receiver`],
    ['Tried before recovery', `${b.attemptedBeforeRecovery}`, `${b.refusedAttempts} answers 503`],
    ['Drain', b.drainSeconds === null ? 'not all within the wait (BENCH_BACKLOG_DRAIN_SECONDS)' : `${b.drainSeconds} s`, `${b.drainPerSec} deliveries/s; ${b.delivered} delivered`],
    ['CPU-s during the drain', cpu(b.drainCpu), `over ${b.drainCpu.seconds} s`],
    ['Lost', `${d.lost}`, d.lost > 0 ? `missing by workflow status ${JSON.stringify(d.missingByWorkflowStatus)}` : `${d.accepted} accepted, ${d.received} received`],
  ];
  return textTable(`Hookway bench, backlog: ${machine.cpus} x ${machine.cpuModel}, load ${machine.loadAverageAtStart} at start, ${machine.date}`, ['Measure', 'Value', 'Notes'], rows).join('\n');
}
