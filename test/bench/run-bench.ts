/**
 * `npm run bench`: measures Hookway on this machine in one bounded run and prints a table; the figures
 * also go to `bench-results/latest.json`. Starts PostgreSQL and Temporal unless DATABASE_URL and
 * TEMPORAL_ADDRESS are set; sizes come from `BENCH_*` variables (see settings.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { HookwayApi, Ledger } from './api-client';
import { renderBacklogTable, runBacklog, writeBacklogResults, type BacklogReport } from './backlog';
import type { BenchContext } from './context';
import { runClusterRow, type ClusterRowResult } from './cluster-throughput';
import { runDeadNeighbour } from './dead-neighbour';
import { renderDeadNeighbourTable, writeDeadNeighbourResults, type DeadNeighbourReport } from './dead-neighbour-report';
import { checkDeliveries } from './delivery-check';
import { BenchStack } from './harness';
import { renderFilteredEndpointsTable, runFilteredEndpoints, writeFilteredEndpointsResults, type FilteredEndpointsReport } from './filtered-endpoints';
import { endpoints, runMaxRate, runPaced } from './hookway-throughput';
import { renderIntakeTable, runIntake, writeIntakeResults, type IntakeReport } from './intake';
import { runIsolation } from './isolation';
import { renderProfileTable, runProfileLoad, summariseProfiles, writeProfileResults, type ProfileReport } from './profile';
import { MemoryPeaks } from '../support/proc';
import { CpuMeter, type CpuUsage } from './proc-stats';
import { runRawCeiling } from './raw-ceiling';
import { BenchReceiver } from './receiver';
import { renderTable, writeResults, type BenchReport, type MachineInfo } from './report';
import { loadBenchSettings, type BenchSettings } from './settings';
import { ratio } from './stats';
import { runSustainedFloor, runSustainedHookway } from './sustained';
import { runTemporalFloor } from './temporal-floor';
import { warmUp } from './warm-up';

function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: Math.round(os.loadavg()[0] * 100) / 100,
    date: new Date().toISOString(),
  };
}

/** Plain-language warnings about figures that may not mean what they seem. */
function notesFor(report: Omit<BenchReport, 'notes'>, phases: [string, CpuUsage][]): string[] {
  const notes: string[] = [];
  // Given services run outside the bench's process groups, so their CPU is "other" and says nothing.
  const ownServices = report.services.postgres === 'started' && report.services.temporal === 'started';
  for (const [name, cpu] of phases) {
    // Other programs above a tenth of a core, or unattributed CPU well above the kernel's own writeback
    // (clean runs: under 0.1 core; programs that exit mid-phase land there), mean a disturbed phase.
    if (ownServices && cpu.seconds > 0 && (cpu.other / cpu.seconds > 0.1 || cpu.unattributed / cpu.seconds > 0.25)) {
      notes.push(
        `${name}: other programs used ${cpu.other} CPU-s (${cpu.topOther.join(', ') || 'none still running'}) and ${cpu.unattributed} CPU-s ` +
          `went unattributed (kernel, programs that ended meanwhile) in ${cpu.seconds} s; figures disturbed`,
      );
    }
    const bench = cpu.groups.bench ?? 0;
    if (cpu.seconds > 0 && bench / cpu.seconds > 0.8) {
      notes.push(`${name}: the bench process (load + receiver) used ${Math.round((bench / cpu.seconds) * 100)} % of a core: it may be limiting`);
    }
  }
  if (report.services.postgres === 'given' || report.services.temporal === 'given') {
    notes.push('PostgreSQL and/or Temporal came from DATABASE_URL/TEMPORAL_ADDRESS: their CPU counts as "other programs", so disturbance is not checked');
  }
  const { backlog, isolation, settings } = report;
  if (backlog.size < settings.backlog || isolation.neighbour.accepted < settings.backlog) {
    notes.push(
      `only ${backlog.size} (backlog) and ${isolation.neighbour.accepted} (isolation) of the ${settings.backlog} deliveries could be queued ` +
        `within ${settings.enqueueTimeoutSeconds} s; peak RSS is for that many`,
    );
  }
  if (backlog.drainSeconds === null || backlog.size < settings.backlog) {
    notes.push(
      `EXTRAPOLATED: draining ${settings.backlog} at the measured ${backlog.drainPerSec}/s would take ~${backlog.extrapolatedTargetDrainSeconds} s ` +
        `(measured: ${backlog.delivered} of ${backlog.size} in ${backlog.drainSeconds ?? settings.backlogDrainSeconds} s)`,
    );
  }
  if (isolation.withFailingNeighbour.undelivered > 0) {
    notes.push(
      `isolation: ${isolation.withFailingNeighbour.undelivered} healthy deliveries had not arrived after the wait; ` +
        'their latency counts as the time waited, so the p99 with the neighbour is a lower bound',
    );
  }
  if (report.lost > 0) notes.push(`lost > 0: workflow status of the missing deliveries ${JSON.stringify(report.delivery.missingByWorkflowStatus)}, failures ${JSON.stringify(report.delivery.missingFailures)}`);
  return notes;
}

/** The first rate each sustained measurement offers, as a multiple of its burst rate (it steps down from there). */
const SUSTAINED_START = 1.25;

/** What `npm run bench -- <scenario>` may name; `all` (the default) is every phase but the dead neighbour, the filtered endpoints, intake and the backlog alone. */
const SCENARIOS = ['all', 'dead-neighbour', 'filtered-endpoints', 'intake', 'backlog', 'profile'];

/** Where a run registers what must be stopped if the process is interrupted. */
export interface Interruptible {
  onInterrupt?: () => Promise<void>;
}

/**
 * A started stack and the context every phase works with, and how to stop it all. With `cpuProfileDir`,
 * Hookway's processes run under V8's CPU profiler and write their profiles there as they stop.
 */
async function openBench(
  settings: BenchSettings,
  say: (line: string) => void,
  interrupt: Interruptible,
  cpuProfileDir?: string,
): Promise<{ ctx: BenchContext; stopAll: () => Promise<void> }> {
  say(`starting the stack (PostgreSQL, Temporal, Hookway API and worker${settings.combined ? ' in one process, as npm start' : ' as two processes'}, floor worker)...`);
  const stack = await BenchStack.start({ activitySlots: settings.activitySlots, combined: settings.combined, cpuProfileDir, say });
  const receiver = await BenchReceiver.start();
  const ledger = new Ledger();
  const api = new HookwayApi(stack.apiUrl, stack.apiToken, ledger, Math.max(64, settings.concurrency * 2));
  const pg = new PgClient({ connectionString: stack.databaseUrl });
  const rss = new MemoryPeaks(
    { api: { pids: () => [stack.api.pid], measure: 'rss' }, worker: { pids: () => [stack.worker.pid], measure: 'rss' } },
    200,
  );
  const stopAll = async (): Promise<void> => {
    rss.stop();
    await pg.end().catch(() => undefined);
    await api.close().catch(() => undefined);
    await receiver.close();
    await stack.stop();
  };
  interrupt.onInterrupt = stopAll;
  try {
    await pg.connect();
  } catch (error) {
    await stopAll();
    throw error;
  }
  const ctx: BenchContext = {
    settings, stack, receiver, api, ledger, pg, rss, say,
    cpu: new CpuMeter(() => stack.processRoots()),
    runId: randomBytes(3).toString('hex'),
  };
  return { ctx, stopAll };
}

/**
 * `npm run bench -- dead-neighbour`: a healthy endpoint alone, then beside a dead one, on its own stack
 * (about 10 minutes at the defaults, so not part of the default run).
 */
export async function runDeadNeighbourBench(settings: BenchSettings, say: (line: string) => void, interrupt: Interruptible = {}): Promise<DeadNeighbourReport> {
  const startedAt = Date.now();
  const machine = machineInfo();
  const { ctx, stopAll } = await openBench(settings, say, interrupt);
  try {
    const deadNeighbour = await runDeadNeighbour(ctx);
    const notes: string[] = [];
    const cpu = deadNeighbour.withDead.cpu;
    if (cpu.seconds > 0 && cpu.other / cpu.seconds > 0.1) {
      notes.push(`other programs used ${cpu.other} CPU-s (${cpu.topOther.join(', ')}) during the dead-neighbour measurement: compare the ratios, not the absolute figures`);
    }
    const report: DeadNeighbourReport = {
      scenario: 'dead-neighbour', deadNeighbour, machine, services: { ...ctx.stack.origin }, settings,
      durationSeconds: Math.round((Date.now() - startedAt) / 1000), notes,
    };
    writeDeadNeighbourResults(report);
    return report;
  } finally {
    interrupt.onInterrupt = undefined;
    await stopAll();
  }
}

/** Runs `measure` on a bench stack of its own, which is stopped whatever happens. */
async function onOwnStack<T>(
  settings: BenchSettings,
  say: (line: string) => void,
  interrupt: Interruptible,
  measure: (ctx: BenchContext, machine: MachineInfo, startedAt: number) => Promise<T>,
  cpuProfileDir?: string,
): Promise<T> {
  const startedAt = Date.now();
  const machine = machineInfo();
  const { ctx, stopAll } = await openBench(settings, say, interrupt, cpuProfileDir);
  try {
    return await measure(ctx, machine, startedAt);
  } finally {
    interrupt.onInterrupt = undefined;
    await stopAll();
  }
}

/**
 * `npm run bench -- filtered-endpoints`: accepted/s with 1,000 filtered endpoints beside one unfiltered
 * endpoint's in the same run, on its own stack (a minute or two at the defaults).
 */
export async function runFilteredEndpointsBench(settings: BenchSettings, say: (line: string) => void, interrupt: Interruptible = {}): Promise<FilteredEndpointsReport> {
  return onOwnStack(settings, say, interrupt, async (ctx, machine, startedAt) => {
    const measured = await runFilteredEndpoints(ctx);
    const report: FilteredEndpointsReport = { scenario: 'filtered-endpoints', ...measured, machine, settings, durationSeconds: Math.round((Date.now() - startedAt) / 1000) };
    writeFilteredEndpointsResults(report);
    return report;
  });
}

/**
 * `npm run bench -- intake`: messages accepted per second through the batch API, then single-message
 * accept times while those deliver, on a stack of its own (about a minute at the defaults).
 */
export async function runIntakeBench(settings: BenchSettings, say: (line: string) => void, interrupt: Interruptible = {}): Promise<IntakeReport> {
  return onOwnStack(settings, say, interrupt, async (ctx, machine, startedAt) => {
    const report: IntakeReport = { scenario: 'intake', intake: await runIntake(ctx), machine, durationSeconds: Math.round((Date.now() - startedAt) / 1000) };
    writeIntakeResults(report, settings.outDir);
    return report;
  });
}

/**
 * `npm run bench -- backlog`: the backlog phase alone on a stack of its own, with the drain's progress
 * every 5 s, then the check that every accepted delivery arrived (a couple of minutes at the defaults).
 */
export async function runBacklogBench(settings: BenchSettings, say: (line: string) => void, interrupt: Interruptible = {}): Promise<BacklogReport> {
  return onOwnStack(settings, say, interrupt, async (ctx, machine, startedAt) => {
    const backlog = await runBacklog(ctx);
    say('checking that every accepted delivery arrived...');
    const delivery = await checkDeliveries(ctx);
    const report: BacklogReport = { scenario: 'backlog', backlog, delivery, machine, durationSeconds: Math.round((Date.now() - startedAt) / 1000) };
    writeBacklogResults(report, settings.outDir);
    return report;
  });
}

/**
 * `npm run bench -- profile`: Hookway's API and worker under V8's CPU profiler (`--cpu-prof`) while one
 * endpoint gets 20 messages/s; where each process spent its time goes to `profile.txt` (a minute or two).
 */
export async function runProfileBench(settings: BenchSettings, say: (line: string) => void, interrupt: Interruptible = {}): Promise<ProfileReport> {
  const startedAt = Date.now();
  const dir = path.join(settings.outDir, 'profiles');
  fs.rmSync(dir, { recursive: true, force: true });
  const [load, machine] = await onOwnStack(settings, say, interrupt, async (ctx, machine) => [await runProfileLoad(ctx), machine] as const, dir);
  // The processes wrote their profiles as the stack stopped.
  const report: ProfileReport = {
    scenario: 'profile', combined: settings.combined, load, processes: summariseProfiles(dir), machine,
    durationSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
  writeProfileResults(report, settings.outDir);
  return report;
}

/** Runs every phase against one stack and returns the report (also written to `settings.outDir`). */
export async function runBench(settings: BenchSettings, say: (line: string) => void, interrupt: Interruptible = {}): Promise<BenchReport> {
  const startedAt = Date.now();
  const machine = machineInfo();
  const { ctx, stopAll } = await openBench(settings, say, interrupt);
  const { stack, ledger } = ctx;
  try {
    say(`raw ceiling (${settings.rawSeconds} s)...`);
    const rawCeiling = await runRawCeiling(ctx);
    say('warming up the floor and Hookway (unmeasured)...');
    await warmUp(ctx);
    say(`Temporal floor (${settings.seconds} s + drain)...`);
    const temporalFloor = await runTemporalFloor(ctx);
    say(`Hookway fan-out 1 at maximum rate (${settings.seconds} s + drain)...`);
    const fanout1 = await runMaxRate(ctx, { label: 'f1', fanout: 1 });
    say(`Hookway fan-out ${settings.fanout} at maximum rate (${settings.seconds} s + drain)...`);
    const fanoutN = await runMaxRate(ctx, { label: `f${settings.fanout}`, fanout: settings.fanout });
    const max = Math.max(1, fanout1.deliveredPerSec);
    // Sustained rates, the floor's and Hookway's by the same rule, each from 1.25x its own burst rate.
    say(`Temporal floor sustained (${settings.sustainedSeconds} s a try)...`);
    const floorSustained = await runSustainedFloor(ctx, temporalFloor.perSec * SUSTAINED_START);
    const [sustainedRoute] = await endpoints(ctx, 'sus', 'bench.sus', 1);
    say(`Hookway sustained, fan-out 1 (${settings.sustainedSeconds} s a try)...`);
    const hookwaySustained = await runSustainedHookway(ctx, sustainedRoute, 'bench.sus', max * SUSTAINED_START);
    const [latencyRoute] = await endpoints(ctx, 'lat', 'bench.lat', 1);
    say(`latency at 50 % of ${max}/s (${settings.latencySeconds} s)...`);
    const latencyAtHalf = await runPaced(ctx, { label: latencyRoute, eventType: 'bench.lat', rate: max * 0.5, seconds: settings.latencySeconds, idPrefix: 'lat50' });
    say(`latency at 90 % of ${max}/s (${settings.latencySeconds} s)...`);
    const latencyAt90 = await runPaced(ctx, { label: latencyRoute, eventType: 'bench.lat', rate: max * 0.9, seconds: settings.latencySeconds, idPrefix: 'lat90' });
    // A quarter of the maximum at most, so the healthy endpoint alone is lightly loaded.
    const isolationRate = Math.max(1, Math.round(Math.min(settings.isolationRate, max * 0.25) * 10) / 10);
    say(`isolation: ${isolationRate}/s alone, then next to ${settings.backlog} in retry...`);
    // Before the backlog: its baseline needs an idle system, and the backlog may still be draining at the end.
    const isolation = await runIsolation(ctx, isolationRate);
    say(`backlog of ${settings.backlog} behind a failing receiver...`);
    const backlog = await runBacklog(ctx);
    say('checking that every accepted delivery arrived...');
    const delivery = await checkDeliveries(ctx);
    let cluster: ClusterRowResult | null = null;
    if (settings.cluster) {
      say('cluster: Temporal server on PostgreSQL, one API, three then one worker...');
      cluster = await runClusterRow(ctx, stack.adminUrl, fanout1.deliveredPerSec);
    }
    const base: Omit<BenchReport, 'notes'> = {
      rawCeilingPerSec: rawCeiling.perSec,
      temporalFloorPerSec: temporalFloor.perSec,
      hookwayDeliveredPerSec: fanout1.deliveredPerSec,
      hookwayAcceptedPerSec: fanout1.acceptedPerSec,
      sustainedDeliveredPerSec: hookwaySustained.deliveredPerSec,
      temporalFloorSustainedPerSec: floorSustained.deliveredPerSec,
      cpuMsPerDelivery: hookwaySustained.cpuMsPerDelivery,
      cpuMsPerFloorWorkflow: floorSustained.cpuMsPerDelivery,
      latencyMs: { p50: latencyAtHalf.latencyMs.p50, p95: latencyAtHalf.latencyMs.p95, p99: latencyAtHalf.latencyMs.p99 },
      isolationP99Ratio: isolation.p99Ratio,
      drainSeconds: backlog.drainSeconds,
      peakRssMb: backlog.peakRssMb,
      lost: delivery.lost,
      ratios: {
        hookwayToTemporalFloor: ratio(fanout1.deliveredPerSec, temporalFloor.perSec),
        hookwayToRawCeiling: ratio(fanout1.deliveredPerSec, rawCeiling.perSec),
        sustainedToFloorSustained: ratio(hookwaySustained.deliveredPerSec, floorSustained.deliveredPerSec),
        cpuToFloorCpu:
          hookwaySustained.cpuMsPerDelivery && floorSustained.cpuMsPerDelivery
            ? ratio(hookwaySustained.cpuMsPerDelivery.total, floorSustained.cpuMsPerDelivery.total)
            : null,
        isolationP99: isolation.p99Ratio,
      },
      cluster,
      rawCeiling,
      temporalFloor,
      hookway: { fanout1, fanoutN, sustained: hookwaySustained, latencyAtHalf, latencyAt90 },
      temporalFloorSustained: floorSustained,
      isolation,
      backlog,
      delivery: { ...delivery, rejectedByStatus: Object.fromEntries([...ledger.rejected].map(([s, n]) => [String(s), n])) },
      machine,
      services: { ...stack.origin },
      settings,
      durationSeconds: Math.round((Date.now() - startedAt) / 1000),
    };
    const phases: [string, CpuUsage][] = [
      ['raw ceiling', rawCeiling.cpu], ['Temporal floor', temporalFloor.cpu], ['fan-out 1', fanout1.cpu],
      [`fan-out ${settings.fanout}`, fanoutN.cpu],
      ...((floorSustained.cpu ? [['floor sustained', floorSustained.cpu]] : []) as [string, CpuUsage][]),
      ...((hookwaySustained.cpu ? [['Hookway sustained', hookwaySustained.cpu]] : []) as [string, CpuUsage][]), ['backlog enqueue', backlog.enqueueCpu], ['backlog drain', backlog.drainCpu],
      ['isolation enqueue', isolation.cpu.enqueue], ['isolation with neighbour', isolation.cpu.withFailingNeighbour],
      ...(cluster ? ([['cluster, 3 workers', cluster.threeWorkers.cpu], ['cluster, 1 worker', cluster.oneWorker.cpu]] as [string, CpuUsage][]) : []),
    ];
    const report: BenchReport = { ...base, notes: notesFor(base, phases) };
    writeResults(report);
    return report;
  } finally {
    interrupt.onInterrupt = undefined;
    await stopAll();
  }
}

if (require.main === module) {
  const started = Date.now();
  const say = (line: string): void => void process.stderr.write(`[bench +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);
  const interrupt: Interruptible = {};
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    say('interrupted: stopping everything the bench started...');
    void (interrupt.onInterrupt?.() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const [scenario = 'all', ...rest] = process.argv.slice(2);
  if (!SCENARIOS.includes(scenario) || rest.length > 0) {
    say(`usage: npm run bench [-- ${SCENARIOS.join(' | ')}]`);
    process.exit(2);
  }
  const settings = loadBenchSettings();
  const run: Promise<{ table: string; ok: boolean }> =
    scenario === 'dead-neighbour'
      ? runDeadNeighbourBench(settings, say, interrupt).then((report) => ({ table: renderDeadNeighbourTable(report), ok: true }))
      : scenario === 'filtered-endpoints'
        ? runFilteredEndpointsBench(settings, say, interrupt).then((report) => ({ table: renderFilteredEndpointsTable(report), ok: true }))
        : scenario === 'intake'
          ? runIntakeBench(settings, say, interrupt).then((report) => ({ table: renderIntakeTable(report), ok: report.intake.batch.accepted === report.intake.batch.messages }))
          : scenario === 'backlog'
            ? runBacklogBench(settings, say, interrupt).then((report) => ({ table: renderBacklogTable(report), ok: report.delivery.lost === 0 }))
            : scenario === 'profile'
              ? runProfileBench(settings, say, interrupt).then((report) => ({ table: renderProfileTable(report), ok: report.load.paced.undelivered === 0 }))
              : runBench(settings, say, interrupt).then((report) => ({ table: renderTable(report), ok: report.lost === 0 }));
  run.then(
    ({ table, ok }) => {
      process.stdout.write(`${table}\n`);
      say(`wrote ${settings.outDir}/${scenario === 'all' ? 'latest' : scenario}.json`);
      process.exit(ok ? 0 : 1);
    },
    (error: unknown) => {
      say(`failed: ${error instanceof Error ? error.stack : String(error)}`);
      process.exit(1);
    },
  );
}
