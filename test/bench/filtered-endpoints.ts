import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { messageId, type BenchContext } from './context';
import { drain, endpoints } from './hookway-throughput';
import { closedLoop } from './load';
import type { MachineInfo } from './report';
import type { BenchSettings } from './settings';
import { percentiles, perSecond, ratio, type Percentiles } from './stats';

/** Endpoints of the filtered phase, as the issue asks: one application, one event type, different filters. */
export const FILTERED_ENDPOINTS = 1_000;

/** Accepting at the maximum rate, one phase. */
export interface AcceptPhase {
  accepted: number;
  acceptedPerSec: number;
  /** Round trip of the POST, ms. */
  acceptMs: Percentiles;
  /** Deliveries the accepted messages carried. */
  deliveries: number;
  delivered: number;
}

/** `npm run bench -- filtered-endpoints`: accept rate beside 1,000 filtered endpoints, against today's in the same run. */
export interface FilteredEndpointsReport {
  scenario: 'filtered-endpoints';
  endpoints: number;
  /** One unfiltered endpoint, before the filtered ones exist: today's accept rate. */
  baseline: AcceptPhase;
  /** The same load, each message tried against 1,000 filters (most false). */
  filtered: AcceptPhase;
  /** Filtered accepted/s over baseline accepted/s: 0.5 or more meets the "within 2x". */
  acceptRatio: number | null;
  /** Filtered p50 accept latency over baseline p50. */
  latencyRatioP50: number | null;
  machine: MachineInfo;
  settings: BenchSettings;
  durationSeconds: number;
}

/**
 * Endpoint i's filter: a third compare the message id's end with their own number (so each message
 * matches at most one of them), a third are false on a length test, a third look the id up in a list.
 */
export function filterFor(i: number): string {
  if (i % 3 === 0) return `data.id.endsWith("_${i}")`;
  if (i % 3 === 1) return `size(data.id) > 500 && data.pad != ""`;
  return `data.id in ["x_${i}", "y_${i}"]`;
}

async function acceptAtMax(ctx: BenchContext, eventType: string, idPrefix: string, labels: string[]): Promise<AcceptPhase> {
  const acceptMs: number[] = [];
  const deliveriesBefore = labels.reduce((sum, label) => sum + ctx.ledger.acceptedFor(label).size, 0);
  const load = await closedLoop({ concurrency: ctx.settings.concurrency, seconds: ctx.settings.seconds }, async (n) => {
    const started = performance.now();
    const ok = await ctx.api.send(messageId(ctx, idPrefix, n), eventType);
    if (ok) acceptMs.push(performance.now() - started);
    return ok;
  });
  await drain(ctx, labels);
  const deliveries = labels.reduce((sum, label) => sum + ctx.ledger.acceptedFor(label).size, 0) - deliveriesBefore;
  const delivered = labels.reduce((sum, label) => sum + ctx.receiver.route(label).delivered.size, 0);
  return { accepted: load.ok, acceptedPerSec: perSecond(load.ok, load.endedAt - load.startedAt), acceptMs: percentiles(acceptMs), deliveries, delivered };
}

/** Measures today's accept rate, then creates the filtered endpoints and measures again. */
export async function runFilteredEndpoints(ctx: BenchContext): Promise<Pick<FilteredEndpointsReport, 'endpoints' | 'baseline' | 'filtered' | 'acceptRatio' | 'latencyRatioP50'>> {
  const base = await endpoints(ctx, 'fbase', 'bench.fbase', 1);
  ctx.say(`baseline: one endpoint, maximum rate (${ctx.settings.seconds} s)...`);
  const baseline = await acceptAtMax(ctx, 'bench.fbase', 'fbase', base);
  ctx.say(`creating ${FILTERED_ENDPOINTS} filtered endpoints...`);
  const labels = Array.from({ length: FILTERED_ENDPOINTS }, (_, i) => `ffil-${i}`);
  for (const [i, label] of labels.entries()) await ctx.api.createEndpoint(label, { url: ctx.receiver.url(label), eventType: 'bench.ffil', filter: filterFor(i) });
  ctx.say(`filtered: ${FILTERED_ENDPOINTS} endpoints, maximum rate (${ctx.settings.seconds} s)...`);
  const filtered = await acceptAtMax(ctx, 'bench.ffil', 'ffil', labels);
  return {
    endpoints: FILTERED_ENDPOINTS,
    baseline,
    filtered,
    acceptRatio: ratio(filtered.acceptedPerSec, baseline.acceptedPerSec),
    latencyRatioP50: ratio(filtered.acceptMs.p50, baseline.acceptMs.p50),
  };
}

/** The scenario as a plain-text table for stdout. */
export function renderFilteredEndpointsTable(report: FilteredEndpointsReport): string {
  const phase = (p: AcceptPhase): string => `${p.acceptedPerSec} accepted/s; POST p50 ${p.acceptMs.p50.toFixed(1)} / p99 ${p.acceptMs.p99.toFixed(1)} ms; ${p.delivered} of ${p.deliveries} deliveries arrived`;
  const { machine } = report;
  return [
    `Hookway bench, filtered endpoints: ${machine.cpus} x ${machine.cpuModel}, load ${machine.loadAverageAtStart} at start, ${machine.date}`,
    `| Baseline (1 endpoint, no filter)          | ${phase(report.baseline)} |`,
    `| ${report.endpoints} filtered endpoints, one type | ${phase(report.filtered)} |`,
    `| Accepted/s ratio (filtered / baseline)   | ${report.acceptRatio ?? 'n/a'} (target >= 0.5: ${(report.acceptRatio ?? 0) >= 0.5 ? 'met' : 'NOT MET'}); p50 latency ratio ${report.latencyRatioP50 ?? 'n/a'} |`,
  ].join('\n');
}

/** Writes `filtered-endpoints.json` and `latest.json` to the results folder. */
export function writeFilteredEndpointsResults(report: FilteredEndpointsReport): void {
  fs.mkdirSync(report.settings.outDir, { recursive: true });
  const body = `${JSON.stringify(report, null, 2)}\n`;
  fs.writeFileSync(path.join(report.settings.outDir, 'filtered-endpoints.json'), body);
}
