import { performance } from 'node:perf_hooks';
import { messageId, type BenchContext } from './context';
import { drain, endpoints, runPaced, type PacedResult } from './hookway-throughput';
import type { MachineInfo } from './report';
import { perSecond } from './stats';
import { textTable, writeReportFile } from './text-table';

/** Messages per batch request, the default `HOOKWAY_MAX_BATCH`. */
const BATCH_SIZE = 500;
/** Batch requests in flight at once. */
const BATCHES_IN_FLIGHT = 2;

/** What `npm run bench -- intake` measures. */
export interface IntakeResult {
  batch: {
    messages: number;
    requests: number;
    accepted: number;
    /** Messages accepted per second, first request sent to last 207 received. */
    acceptedPerSec: number;
    /** Delivered of the accepted, and seconds from the first request to the last arrival (null: not all within the wait). */
    delivered: number;
    deliveredSeconds: number | null;
  };
  /** Single messages at `targetPerSec` while the batches' deliveries run: the accept round trip and accepted-to-delivered. */
  singleWhileDelivering: PacedResult;
  /** Outbox backlog (`outboxPending`) right after the last batch was accepted. */
  outboxPendingAfterBatches: number | null;
  /** Attempts that did not get a 2xx, by their reason (the text before the first colon of their error). */
  failedAttempts: Record<string, number>;
}

async function outboxPending(ctx: BenchContext): Promise<number | null> {
  try {
    const response = await fetch(`${ctx.stack.apiUrl}/v1/stats`, { headers: { authorization: `Bearer ${ctx.stack.apiToken}` } });
    return ((await response.json()) as { outboxPending?: number }).outboxPending ?? null;
  } catch {
    return null;
  }
}

/**
 * Accepting, measured alone: `BENCH_BATCH_MESSAGES` messages through `POST /v1/messages/batch` (500 a
 * request, two requests in flight), then, while their deliveries run, single messages at
 * `BENCH_INTAKE_RATE` per second with the round trip of each POST.
 */
export async function runIntake(ctx: BenchContext): Promise<IntakeResult> {
  const [batchRoute] = await endpoints(ctx, 'intake-batch', 'bench.intake.batch', 1);
  const [singleRoute] = await endpoints(ctx, 'intake-single', 'bench.intake.single', 1);
  // Unmeasured: the first requests compile statements and warm the pool.
  await ctx.api.sendBatch([messageId(ctx, 'intake-warm', 0), messageId(ctx, 'intake-warm', 1)], 'bench.intake.batch');

  const total = ctx.settings.batchMessages;
  const ids = new Set<string>();
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BATCHES_IN_FLIGHT }, async () => {
      while (next < total) {
        const chunk = Array.from({ length: Math.min(BATCH_SIZE, total - next) }, (_, i) => messageId(ctx, 'intake', next + i));
        next += chunk.length;
        for (const id of chunk) ids.add(id);
        const taken = await ctx.api.sendBatch(chunk, 'bench.intake.batch');
        accepted += taken;
      }
    }),
  );
  const acceptedAt = performance.now();
  const backlog = await outboxPending(ctx);
  ctx.say(`intake: ${accepted} of ${total} accepted in ${Math.round(acceptedAt - started)} ms; outbox backlog ${backlog}; single messages at ${ctx.settings.intakeRate}/s...`);
  const single = await runPaced(ctx, { label: singleRoute, eventType: 'bench.intake.single', rate: ctx.settings.intakeRate, seconds: ctx.settings.latencySeconds, idPrefix: 'intake1' });
  const all = await drain(ctx, [batchRoute], ids);
  const { rows } = await ctx.pg.query<{ reason: string; n: number }>(
    `SELECT coalesce(split_part(error, ':', 1), 'http_' || status_code) AS reason, count(*)::int AS n FROM delivery_attempts
     WHERE status_code IS NULL OR status_code NOT BETWEEN 200 AND 299 GROUP BY 1`,
  );
  const arrivals = [...ctx.receiver.route(batchRoute).delivered.entries()].filter(([id]) => ids.has(id)).map(([, at]) => at);
  return {
    batch: {
      messages: total,
      requests: Math.ceil(total / BATCH_SIZE),
      accepted,
      acceptedPerSec: perSecond(accepted, acceptedAt - started),
      delivered: arrivals.length,
      deliveredSeconds: all && arrivals.length > 0 ? Math.round((Math.max(...arrivals) - started) / 100) / 10 : null,
    },
    singleWhileDelivering: single,
    outboxPendingAfterBatches: backlog,
    failedAttempts: Object.fromEntries(rows.map((row) => [row.reason, row.n])),
  };
}

/** `bench-results/intake.json`. */
export interface IntakeReport {
  scenario: 'intake';
  intake: IntakeResult;
  machine: MachineInfo;
  durationSeconds: number;
}

/** Writes the report next to `latest.json`. */
export function writeIntakeResults(report: IntakeReport, outDir: string): void {
  writeReportFile(outDir, 'intake.json', report);
}

/** The scenario as a plain-text table for stdout. */
export function renderIntakeTable(report: IntakeReport): string {
  const { batch, singleWhileDelivering: single } = report.intake;
  const { machine } = report;
  const rows: [string, string, string][] = [
    ['Accepted through the batch API', `${batch.acceptedPerSec} messages/s`, `${batch.accepted} of ${batch.messages} in ${batch.requests} requests of 500, 2 in flight; target >= 2,000/s`],
    ['Outbox backlog after the batches', `${report.intake.outboxPendingAfterBatches ?? 'n/a'}`, 'outboxPending in GET /v1/stats, right after the last 207'],
    ['Batch messages delivered', `${batch.delivered}`, batch.deliveredSeconds === null ? 'not all within the wait' : `all within ${batch.deliveredSeconds} s of the first request`],
    [
      `Single accept at ${single.targetPerSec}/s while they deliver`,
      `p50 ${single.acceptMs.p50.toFixed(1)} / p99 ${single.acceptMs.p99.toFixed(1)} ms`,
      `POST /v1/messages round trip, ${single.accepted} messages; target p50 <= 5, p99 <= 25 ms`,
    ],
    ['Attempts without a 2xx', Object.entries(report.intake.failedAttempts).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none', 'by reason'],
    ['Single accepted-to-delivered', `p50 ${single.latencyMs.p50.toFixed(0)} / p99 ${single.latencyMs.p99.toFixed(0)} ms`, `${single.delivered} delivered, ${single.undelivered} not arrived`],
  ];
  return textTable(`Hookway bench, intake: ${machine.cpus} x ${machine.cpuModel}, load ${machine.loadAverageAtStart} at start, ${machine.date}`, ['Measure', 'Value', 'Notes'], rows).join('\n');
}
