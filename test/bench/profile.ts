import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { temporal } from '@temporalio/proto';
import { deliveryWorkflowId } from '../../workflows/definitions';
import { withCpu, type BenchContext } from './context';
import { renderProfile, summariseProfile, type ProfileSummary } from './cpu-profile';
import { endpoints, runPaced, type PacedResult } from './hookway-throughput';
import type { CpuUsage } from './proc-stats';
import type { MachineInfo } from './report';
import { percentiles, type Percentiles } from './stats';
import { textTable, writeReportFile } from './text-table';
import { warmUp } from './warm-up';

/** Messages per second the profiled load offers: about half of what a 2-core machine delivers. */
const PROFILE_RATE = 20;

/** The load `npm run bench -- profile` puts on Hookway while its processes are profiled. */
export interface ProfileLoad {
  paced: PacedResult;
  cpu: CpuUsage;
  /** CPU ms per delivered message, by process group. */
  cpuMsPerDelivery: Record<string, number>;
  /** Where a delivery's time goes, from a sample of the load's deliveries and their workflow histories. */
  stages: DeliveryStages;
}

/** The stages of a delivery, ms, as the bench's clock and Temporal's recorded events place them. */
export interface DeliveryStages {
  /** The 202 to the workflow's start (the outbox: claim and start call). */
  acceptedToStarted: Percentiles;
  /** The start to its first workflow task reaching a worker (matching, or the start call's reply when eager). */
  startedToTaskStarted: Percentiles;
  /** The task reaching the worker to the receiver getting the request (activity set-up, the attempt). */
  taskStartedToArrived: Percentiles;
  /** The arrival to the workflow's completion (the success record, the task's completion). */
  arrivedToCompleted: Percentiles;
}

const EventType = temporal.api.enums.v1.EventType;
const SAMPLE = 60;

function eventMs(event: temporal.api.history.v1.IHistoryEvent | undefined): number | undefined {
  const time = event?.eventTime;
  return time ? Number(time.seconds) * 1000 + (time.nanos ?? 0) / 1e6 : undefined;
}

/** Reads the histories of up to {@link SAMPLE} of the load's deliveries and splits their time into stages. */
async function deliveryStages(ctx: BenchContext, label: string, endpointId: string): Promise<DeliveryStages> {
  const accepted = [...ctx.ledger.acceptedFor(label)];
  const arrived = ctx.receiver.route(label).delivered;
  const step = Math.max(1, Math.floor(accepted.length / SAMPLE));
  const spans: Record<keyof DeliveryStages, number[]> = { acceptedToStarted: [], startedToTaskStarted: [], taskStartedToArrived: [], arrivedToCompleted: [] };
  // The bench's instants are performance.now(); Temporal's are wall-clock.
  const wall = (at: number): number => performance.timeOrigin + at;
  for (let i = 0; i < accepted.length; i += step) {
    const [messageId, acceptedAt] = accepted[i];
    const arrivedAt = arrived.get(messageId);
    if (arrivedAt === undefined) continue;
    const history = await ctx.stack.temporalClient.client.workflow.getHandle(deliveryWorkflowId(endpointId, messageId)).fetchHistory();
    const first = (type: temporal.api.enums.v1.EventType): number | undefined => eventMs(history.events?.find((e) => e.eventType === type));
    const started = first(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    const taskStarted = first(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    const completed = first(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    if (started === undefined || taskStarted === undefined || completed === undefined) continue;
    spans.acceptedToStarted.push(started - wall(acceptedAt));
    spans.startedToTaskStarted.push(taskStarted - started);
    spans.taskStartedToArrived.push(wall(arrivedAt) - taskStarted);
    spans.arrivedToCompleted.push(completed - wall(arrivedAt));
  }
  return {
    acceptedToStarted: percentiles(spans.acceptedToStarted),
    startedToTaskStarted: percentiles(spans.startedToTaskStarted),
    taskStartedToArrived: percentiles(spans.taskStartedToArrived),
    arrivedToCompleted: percentiles(spans.arrivedToCompleted),
  };
}

/** `bench-results/profile.json`: the load, and where each Hookway process spent its time. */
export interface ProfileReport {
  scenario: 'profile';
  combined: boolean;
  load: ProfileLoad;
  processes: Record<string, ProfileSummary>;
  machine: MachineInfo;
  durationSeconds: number;
}

/** Warms up, then one endpoint gets `PROFILE_RATE` messages/s for `BENCH_LATENCY_SECONDS` x 3. */
export async function runProfileLoad(ctx: BenchContext): Promise<ProfileLoad> {
  await warmUp(ctx);
  const [label] = await endpoints(ctx, 'prof', 'bench.prof', 1);
  const seconds = ctx.settings.latencySeconds * 3;
  ctx.say(`profiled load: ${PROFILE_RATE}/s for ${seconds} s...`);
  const [paced, cpu] = await withCpu(ctx, () => runPaced(ctx, { label, eventType: 'bench.prof', rate: PROFILE_RATE, seconds, idPrefix: 'prof' }));
  const per = (seconds: number): number => Math.round((seconds * 1000 * 10) / Math.max(1, paced.delivered)) / 10;
  const stages = await deliveryStages(ctx, label, ctx.ledger.endpointOf(label) ?? '');
  return { paced, cpu, cpuMsPerDelivery: Object.fromEntries(Object.entries(cpu.groups).map(([group, s]) => [group, per(s)])), stages };
}

/** The profiles Hookway's processes wrote into `dir/<process>/` as they stopped, summarised. */
export function summariseProfiles(dir: string): Record<string, ProfileSummary> {
  const summaries: Record<string, ProfileSummary> = {};
  for (const process of ['api', 'worker']) {
    const folder = path.join(dir, process);
    const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => name.endsWith('.cpuprofile')) : [];
    // The main thread's profile is the largest; worker threads (the workflow bundler's) write their own.
    const main = files.map((name) => path.join(folder, name)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
    if (main) summaries[process] = summariseProfile(main);
  }
  return summaries;
}

/** Writes `profile.json` and `profile.txt` (the ranked lists) next to `latest.json`. */
export function writeProfileResults(report: ProfileReport, outDir: string): void {
  writeReportFile(outDir, 'profile.json', report);
  const text = Object.entries(report.processes).map(([name, summary]) => renderProfile(summary, name));
  fs.writeFileSync(path.join(outDir, 'profile.txt'), `${text.join('\n\n')}\n`);
}

/** The scenario as a plain-text table for stdout; the ranked lists are in profile.txt. */
export function renderProfileTable(report: ProfileReport): string {
  const { paced, cpuMsPerDelivery } = report.load;
  const rows: [string, string, string][] = [
    ['Offered / sent', `${paced.targetPerSec} / ${paced.sentPerSec} messages/s`, `${paced.accepted} accepted, ${paced.delivered} delivered`],
    ['POST round trip', `p50 ${paced.acceptMs.p50.toFixed(1)} / p99 ${paced.acceptMs.p99.toFixed(1)} ms`, 'while profiled: slower than unprofiled'],
    ['Accepted-to-delivered', `p50 ${paced.latencyMs.p50.toFixed(0)} / p99 ${paced.latencyMs.p99.toFixed(0)} ms`, ''],
    ...Object.entries(report.load.stages).map(([stage, p]): [string, string, string] => [`  ${stage}`, `p50 ${p.p50} / p95 ${p.p95} ms`, `${p.count} sampled deliveries`]),
    ['CPU per delivery', Object.entries(cpuMsPerDelivery).map(([group, ms]) => `${group} ${ms}`).join(', '), 'ms, by process group'],
    ...Object.entries(report.processes).map(([name, summary]): [string, string, string] => [
      `${name}: busiest places`,
      summary.byPlace.slice(0, 4).map((row) => `${row.name} ${row.percent}%`).join(', '),
      `of ${summary.busyMs - summary.startupMs} ms busy after startup`,
    ]),
  ];
  const { machine } = report;
  const mode = report.combined ? 'API and worker in one process' : 'API and worker apart';
  return textTable(`Hookway bench, profile (${mode}): ${machine.cpus} x ${machine.cpuModel}, ${machine.date}`, ['Measure', 'Value', 'Notes'], rows).join('\n');
}
