import fs from 'node:fs';
import path from 'node:path';
import type { BacklogResult } from './backlog';
import type { DeliveryCheck } from './delivery-check';
import { latencyChartSvg } from './chart';
import type { ClusterRowResult } from './cluster-throughput';
import type { MaxRateResult, PacedResult } from './hookway-throughput';
import type { IsolationResult } from './isolation';
import type { CpuUsage } from './proc-stats';
import type { RawCeilingResult } from './raw-ceiling';
import type { BenchSettings } from './settings';
import type { CpuMsPerDelivery, SustainedResult } from './sustained';
import type { TemporalFloorResult } from './temporal-floor';
import { textTable, writeReportFile } from './text-table';

/** The machine a run measured. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryMb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run began (it includes the decay of whatever ran just before). */
  loadAverageAtStart: number;
  date: string;
}

/** `bench-results/latest.json`: the keys first, then everything behind them. */
export interface BenchReport {
  rawCeilingPerSec: number;
  temporalFloorPerSec: number;
  /** Fan-out 1, deliveries per second from the first POST to the last arrival. */
  hookwayDeliveredPerSec: number;
  /** Fan-out 1, messages answered 202 per second while posting. */
  hookwayAcceptedPerSec: number;
  /** Fan-out 1, deliveries per second over 30 s of paced load at the highest rate kept up with (0: none kept up). */
  sustainedDeliveredPerSec: number;
  /** The floor workflow measured the same way. */
  temporalFloorSustainedPerSec: number;
  /** CPU per delivery by process during Hookway's sustained run. */
  cpuMsPerDelivery: CpuMsPerDelivery | null;
  /** CPU per floor workflow during the floor's sustained run (its worker counted as `worker`). */
  cpuMsPerFloorWorkflow: CpuMsPerDelivery | null;
  /** Accepted-to-delivered at 50 % of the maximum delivered/s, fan-out 1. */
  latencyMs: { p50: number; p95: number; p99: number };
  isolationP99Ratio: number | null;
  /** Recovery to the last of the backlog delivered; null when it did not drain in time. */
  drainSeconds: number | null;
  /** Peak RSS while the backlog waited. */
  peakRssMb: { api: number; worker: number };
  /** Deliveries accepted (202) but never received, across every phase except the endpoint kept down. */
  lost: number;
  ratios: {
    hookwayToTemporalFloor: number | null;
    hookwayToRawCeiling: number | null;
    /** Target >= 1.3. */
    sustainedToFloorSustained: number | null;
    /** Total CPU per delivery over the floor's per workflow; target <= 1. */
    cpuToFloorCpu: number | null;
    isolationP99: number | null;
  };
  /** Hookway on a Temporal server with PostgreSQL persistence and visibility; null with BENCH_CLUSTER=0. */
  cluster: ClusterRowResult | null;
  rawCeiling: RawCeilingResult;
  temporalFloor: TemporalFloorResult;
  hookway: { fanout1: MaxRateResult; fanoutN: MaxRateResult; sustained: SustainedResult; latencyAtHalf: PacedResult; latencyAt90: PacedResult };
  temporalFloorSustained: SustainedResult;
  isolation: IsolationResult;
  backlog: BacklogResult;
  delivery: DeliveryCheck & { rejectedByStatus: Record<string, number> };
  machine: MachineInfo;
  services: { postgres: string; temporal: string };
  settings: BenchSettings;
  durationSeconds: number;
  notes: string[];
}

const fmt = (value: number | null, digits = 1): string => (value === null ? 'n/a' : value.toFixed(digits));

function cpuPerUnit(cpu: CpuUsage, units: number): string {
  if (units === 0) return 'n/a';
  const parts = Object.entries(cpu.groups)
    .filter(([, seconds]) => seconds > 0)
    .map(([name, seconds]) => `${name} ${((seconds * 1000) / units).toFixed(2)}`);
  return `${parts.join(', ')} | machine busy ${Math.round(cpu.machineBusy * 100)} %, iowait ${Math.round(cpu.iowait * 100)} %, other programs ${cpu.other.toFixed(1)} s`;
}

function sustainedDetail(result: SustainedResult): string {
  const tries = result.tries.map((t) => `${fmt(t.offeredPerSec, 0)}/s${t.keptUp ? '' : ' behind'}`).join(', ');
  return `paced ${result.seconds} s a try (${tries}); the highest kept up`;
}

function cpuMsLine(cpu: CpuMsPerDelivery | null): string {
  return cpu ? `${fmt(cpu.total, 2)} (temporal ${fmt(cpu.temporal, 2)}, worker ${fmt(cpu.worker, 2)}, api ${fmt(cpu.api, 2)}, postgres ${fmt(cpu.postgres, 2)})` : 'n/a';
}

function isolationLine(iso: IsolationResult): string {
  const { attemptsDuringMeasurement: attempts } = iso.neighbour;
  const cpu = iso.cpu.withFailingNeighbour;
  // Per attempt only where there were enough attempts to carry the phase's CPU; a handful of probes cannot.
  const per = (name: string): string => (attempts >= 100 ? (((cpu.groups[name] ?? 0) * 1000) / attempts).toFixed(1) : 'n/a');
  const caughtUp = iso.healthyCaughtUpSeconds === null ? 'not within the drain timeout' : `${iso.healthyCaughtUpSeconds} s`;
  return (
    `Failing neighbour: all ${iso.neighbour.accepted} waiting ${iso.neighbour.settleSeconds} s after the enqueue (${iso.neighbour.inRetryAtStart} tried, ` +
    `${iso.neighbour.parkedAtStart} parked by its open circuit); ${attempts} failed attempts in ${cpu.seconds} s (${(attempts / Math.max(1, cpu.seconds)).toFixed(0)}/s), ` +
    `CPU ms per attempt: temporal ${per('temporal')}, worker ${per('worker')}; healthy endpoint caught up ${caughtUp} after its ` +
    `${iso.neighbour.terminated} workflows were terminated (${iso.neighbour.terminateSeconds} s)`
  );
}

function clusterRows(cluster: ClusterRowResult | null): [string, string, string][] {
  if (!cluster) return [['Cluster (PostgreSQL)', 'skipped', 'BENCH_CLUSTER=0']];
  const detail = (run: MaxRateResult): string => `${run.delivered} end to end, 1 API; ${fmt(run.deliveredDuringLoadPerSec)}/s while posting`;
  return [
    ['Cluster (PostgreSQL): 1 worker', `${fmt(cluster.oneWorkerPerSec)} deliveries/s`, `${detail(cluster.oneWorker)}; dev server ${fmt(cluster.devServerPerSec)}/s`],
    ['Cluster (PostgreSQL): 3 workers', `${fmt(cluster.threeWorkersPerSec)} deliveries/s`, `${detail(cluster.threeWorkers)}; ${cluster.historyShards} history shards`],
  ];
}

/** The run as a plain-text table for stdout. */
export function renderTable(report: BenchReport): string {
  const { rawCeiling: raw, temporalFloor: floor, hookway, isolation: iso, backlog, machine } = report;
  const half = hookway.latencyAtHalf;
  const ninety = hookway.latencyAt90;
  const rows: [string, string, string][] = [
    ['Raw ceiling', `${fmt(raw.perSec)} req/s`, `signed undici POSTs, ${raw.concurrency} in flight, ${raw.connections} connections`],
    ['Temporal floor', `${fmt(floor.perSec)} workflows/s`, `1 no-op activity, ${floor.completed} workflows, ${floor.concurrency} starters at ${fmt(floor.startedPerSec)}/s`],
    ['Hookway fan-out 1: accepted', `${fmt(hookway.fanout1.acceptedPerSec)} msg/s`, `POST /v1/messages, ${report.settings.concurrency} concurrent`],
    ['Hookway fan-out 1: delivered', `${fmt(hookway.fanout1.deliveredPerSec)} deliveries/s`, `${hookway.fanout1.delivered} end to end; ${fmt(hookway.fanout1.deliveredDuringLoadPerSec)}/s while posting`],
    [`Hookway fan-out ${hookway.fanoutN.fanout}: accepted`, `${fmt(hookway.fanoutN.acceptedPerSec)} msg/s`, `= ${fmt(hookway.fanoutN.deliveriesAcceptedPerSec)} deliveries/s`],
    [`Hookway fan-out ${hookway.fanoutN.fanout}: delivered`, `${fmt(hookway.fanoutN.deliveredPerSec)} deliveries/s`, `${hookway.fanoutN.delivered} end to end; ${fmt(hookway.fanoutN.deliveredDuringLoadPerSec)}/s while posting`],
    ['Sustained: Temporal floor', `${fmt(report.temporalFloorSustainedPerSec)} workflows/s`, sustainedDetail(report.temporalFloorSustained)],
    ['Sustained: Hookway fan-out 1', `${fmt(report.sustainedDeliveredPerSec)} deliveries/s`, sustainedDetail(report.hookway.sustained)],
    ['CPU ms per floor workflow', cpuMsLine(report.cpuMsPerFloorWorkflow), 'during the floor\'s sustained run (its worker as worker)'],
    ['CPU ms per delivery', cpuMsLine(report.cpuMsPerDelivery), 'during Hookway\'s sustained run'],
    [`Latency @50 % (${fmt(half.targetPerSec)}/s)`, `p50 ${fmt(half.latencyMs.p50, 0)} / p95 ${fmt(half.latencyMs.p95, 0)} / p99 ${fmt(half.latencyMs.p99, 0)} ms`, `accepted-to-delivered, sent ${fmt(half.sentPerSec)}/s; POST p50 ${fmt(half.acceptMs.p50)} / p99 ${fmt(half.acceptMs.p99)} ms (target <= 5 / 25)`],
    [`Latency @90 % (${fmt(ninety.targetPerSec)}/s)`, `p50 ${fmt(ninety.latencyMs.p50, 0)} / p95 ${fmt(ninety.latencyMs.p95, 0)} / p99 ${fmt(ninety.latencyMs.p99, 0)} ms`, `accepted-to-delivered, sent ${fmt(ninety.sentPerSec)}/s`],
    ['Isolation p99', `${iso.withFailingNeighbour.undelivered > 0 ? '>= ' : ''}${fmt(iso.withFailingNeighbour.latencyMs.p99, 0)} vs ${fmt(iso.alone.latencyMs.p99, 0)} ms`, `healthy at ${iso.rate}/s next to ${iso.neighbour.accepted} in retry vs alone`],
    ['Backlog drain', backlog.drainSeconds === null ? `not drained in ${report.settings.backlogDrainSeconds} s` : `${fmt(backlog.drainSeconds)} s`, `${backlog.size} deliveries after recovery, ${fmt(backlog.drainPerSec)}/s`],
    [`Backlog drain, ${report.settings.backlog} (EXTRAPOLATED)`, `~${fmt(backlog.extrapolatedTargetDrainSeconds, 0)} s`, `${report.settings.backlog} / measured drain rate`],
    ['Peak RSS while waiting', `API ${report.peakRssMb.api} MB, worker ${report.peakRssMb.worker} MB`, `${backlog.size} queued, sampled every 200 ms`],
    ...clusterRows(report.cluster),
    ['Lost', String(report.lost), `of ${report.delivery.accepted} accepted (202), not received by the end`],
    ['Hookway / Temporal floor', fmt(report.ratios.hookwayToTemporalFloor, 3), 'fan-out 1 delivered/s over floor workflows/s'],
    ['Hookway / raw ceiling', fmt(report.ratios.hookwayToRawCeiling, 3), 'fan-out 1 delivered/s over raw req/s'],
    ['Sustained Hookway / floor', fmt(report.ratios.sustainedToFloorSustained, 3), 'sustained deliveries/s over sustained floor workflows/s; target >= 1.3'],
    ['CPU per delivery / floor', fmt(report.ratios.cpuToFloorCpu, 3), 'total CPU ms per delivery over per floor workflow; target <= 1'],
    ['Isolation p99 ratio', fmt(report.ratios.isolationP99, 2), 'with failing neighbour / alone (1.0 = unaffected)'],
  ];
  const title =
    `Hookway benchmark: ${machine.cpus} x ${machine.cpuModel}, ${Math.round(machine.memoryMb / 1024)} GB, Node ${machine.node}, ${machine.date}; ` +
    (report.settings.combined ? 'API and worker in one process (as npm start; its CPU counted as api)' : 'API and worker as two processes');
  const out = [
    ...textTable(title, ['Row', 'Figure', 'Detail'], rows),
    '',
    'CPU ms per completed workflow / delivery, by process (load + drain):',
    `  Temporal floor       ${cpuPerUnit(floor.cpu, floor.completed)}`,
    `  Hookway fan-out 1    ${cpuPerUnit(hookway.fanout1.cpu, hookway.fanout1.delivered)}`,
    `  Hookway fan-out ${String(hookway.fanoutN.fanout).padEnd(4)}${cpuPerUnit(hookway.fanoutN.cpu, hookway.fanoutN.delivered)}`,
    ...(report.cluster
      ? [
          `  Cluster, 3 workers   ${cpuPerUnit(report.cluster.threeWorkers.cpu, report.cluster.threeWorkers.delivered)}`,
          `  Cluster, 1 worker    ${cpuPerUnit(report.cluster.oneWorker.cpu, report.cluster.oneWorker.delivered)}`,
        ]
      : []),
    isolationLine(iso),
    ...report.notes.map((note) => `Note: ${note}`),
    `Run took ${report.durationSeconds} s.`,
  ];
  return out.join('\n');
}

/** Writes `latest.json` (and `latency.svg`) into the settings' output folder. @returns the JSON's path. */
export function writeResults(report: BenchReport): string {
  const file = writeReportFile(report.settings.outDir, 'latest.json', report);
  const points = [
    { rate: report.isolation.alone.targetPerSec, latency: report.isolation.alone.latencyMs },
    { rate: report.hookway.latencyAtHalf.targetPerSec, latency: report.hookway.latencyAtHalf.latencyMs },
    { rate: report.hookway.latencyAt90.targetPerSec, latency: report.hookway.latencyAt90.latencyMs },
  ].sort((a, b) => a.rate - b.rate);
  fs.writeFileSync(path.join(report.settings.outDir, 'latency.svg'), latencyChartSvg(points, report.hookwayDeliveredPerSec));
  return file;
}
