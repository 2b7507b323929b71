import fs from 'node:fs';
import path from 'node:path';
import type { DeadNeighbourResult } from './dead-neighbour';
import type { MachineInfo } from './report';
import type { BenchSettings } from './settings';
import { textTable } from './text-table';
import type { HistoryCost } from './workflow-cost';

/** `bench-results/latest.json` (and `dead-neighbour.json`) of `npm run bench -- dead-neighbour`. */
export interface DeadNeighbourReport {
  scenario: 'dead-neighbour';
  deadNeighbour: DeadNeighbourResult;
  machine: MachineInfo;
  services: { postgres: string; temporal: string };
  settings: BenchSettings;
  durationSeconds: number;
  notes: string[];
}

const fmt = (value: number | null | undefined, digits = 1): string => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));

function costLine(cost: Omit<HistoryCost, 'workflowId' | 'byType'> | undefined): string {
  if (!cost) return 'n/a';
  return (
    `${cost.events} events: ${cost.workflowTasks} workflow tasks, ${cost.activities} activities, ${cost.localActivities} local activities, ` +
    `${cost.timers} timers, ${cost.signalsReceived} signals received, ${cost.signalsSent} sent`
  );
}

const ms = (perProcess: Record<string, number>): string =>
  Object.entries(perProcess)
    .map(([name, value]) => `${name} ${value.toFixed(1)}`)
    .join(', ') || 'n/a';

/** The scenario as a plain-text table for stdout. */
export function renderDeadNeighbourTable(report: DeadNeighbourReport): string {
  const r = report.deadNeighbour;
  const { alone, withDead: dead, profile: p } = r;
  const latency = (side: typeof alone): string => `p50 ${fmt(side.paced.latencyMs.p50, 0)} / p99 ${fmt(side.paced.latencyMs.p99, 0)} ms`;
  const undelivered = (side: typeof alone): string => (side.paced.undelivered > 0 ? ` (${side.paced.undelivered} not arrived: lower bound)` : '');
  const rows: [string, string, string][] = [
    [`Healthy at ${r.rate}/s, alone`, latency(alone), `accepted-to-delivered, ${alone.paced.accepted} messages${undelivered(alone)}`],
    [`Healthy at ${r.rate}/s, dead neighbour`, latency(dead), `${dead.paced.accepted} messages${undelivered(dead)}`],
    ['Healthy sustained, alone', `${fmt(alone.sustained.deliveredPerSec)} deliveries/s`, `${alone.sustained.delivered} of ${alone.sustained.accepted}, closed loop of ${r.concurrency}`],
    ['Healthy sustained, dead neighbour', `${fmt(dead.sustained.deliveredPerSec)} deliveries/s`, `${dead.sustained.delivered} of ${dead.sustained.accepted}; messages accepted ${fmt(dead.sustained.acceptedPerSec)}/s`],
    ['Rate ratio', fmt(r.ratios.sustainedRate, 2), `target >= ${r.targets.rateRatioAtLeast}: ${r.targets.rateMet ? 'met' : 'NOT MET'}`],
    ['p99 ratio', fmt(r.ratios.p99, 2), `target <= ${r.targets.p99RatioAtMost}: ${r.targets.p99Met ? 'met' : 'NOT MET'}; p50 ratio ${fmt(r.ratios.p50, 2)}`],
    [
      'Dead endpoint',
      `${r.dead.deadLetters} dead letters`,
      `of ${r.dead.accepted} accepted; ${r.dead.attempts} attempts; queue query answers ${r.dead.deadLettersQueried ?? 'n/a'}; ` +
        `all dead-lettered ${r.dead.settleSeconds === null ? 'NOT within the wait' : `${r.dead.settleSeconds} s after the last POST`}`,
    ],
    ['Peak RSS, dead neighbour', `API ${r.peakRssMb.api} MB, worker ${r.peakRssMb.worker} MB`, 'sampled every 200 ms'],
  ];
  const { machine } = report;
  return [
    ...textTable(
      `Hookway bench, dead neighbour (schedule ${r.schedule.maxAttempts} attempts, ${r.schedule.initialIntervalMs} ms): ` +
        `${machine.cpus} x ${machine.cpuModel}, load ${machine.loadAverageAtStart} at start, ${machine.date}`,
      ['Row', 'Figure', 'Detail'],
      rows,
    ),
    '',
    'Temporal per delivery (mean of sampled histories):',
    `  healthy delivery     ${costLine(p.healthyDelivery)}`,
    `  dead delivery        ${costLine(p.deadDelivery)}`,
    `  all dead deliveries  ${p.deadDeliveries.executions} executions, ${p.deadDeliveries.historyEvents} events (${fmt(p.deadDeliveries.historyEvents / Math.max(1, p.deadDeliveries.executions))} each)`,
    `  all healthy          ${p.healthyDeliveries.executions} executions, ${p.healthyDeliveries.historyEvents} events (${fmt(p.healthyDeliveries.historyEvents / Math.max(1, p.healthyDeliveries.executions))} each)`,
    `  dead-letter workflow ${p.deadLetterWorkflow.executions} runs ${JSON.stringify(p.deadLetterWorkflow.byStatus)}, ${p.deadLetterWorkflow.historyEvents} events in all; latest run ${costLine(p.deadLetterWorkflow.latest)}`,
    `  circuit workflow     ${p.circuitWorkflow.executions} runs ${JSON.stringify(p.circuitWorkflow.byStatus)}, ${p.circuitWorkflow.historyEvents} events in all; latest run ${costLine(p.circuitWorkflow.latest)}`,
    `CPU ms per healthy delivery alone: ${ms(p.cpuMsPerHealthyDelivery)}`,
    `CPU ms per dead delivery (beyond the healthy ones' own): ${ms(p.cpuMsPerDeadDelivery)}`,
    `Machine during the dead-neighbour measurement: busy ${Math.round(dead.cpu.machineBusy * 100)} %, other programs ${dead.cpu.other.toFixed(1)} CPU-s of ${dead.cpu.seconds} s`,
    ...report.notes.map((note) => `Note: ${note}`),
    `Run took ${report.durationSeconds} s.`,
  ].join('\n');
}

/** Writes the report as `latest.json` and `dead-neighbour.json` (which a later full run leaves alone). @returns the path. */
export function writeDeadNeighbourResults(report: DeadNeighbourReport): string {
  fs.mkdirSync(report.settings.outDir, { recursive: true });
  const body = `${JSON.stringify(report, null, 2)}\n`;
  fs.writeFileSync(path.join(report.settings.outDir, 'dead-neighbour.json'), body);
  const file = path.join(report.settings.outDir, 'latest.json');
  fs.writeFileSync(file, body);
  return file;
}
