import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from '../reliability/scenario';
import type { DatabaseSize, RetentionOutcome } from './database-size';
import type { DeadLetterFigures } from './down-endpoint';

/** The soak's options, as given on the command line. */
export interface SoakOptions {
  /** `--messages`: messages in all (fault rounds plus the down endpoint's). @default 100000 */
  messages: number;
  /** `--rate`: messages per second of each round's burst. @default 40 */
  rate: number;
  /** `--round`: messages per fault round; by default a fifth of the rounds' share, between 200 and 2,000. */
  round: number;
  /** `--dead-letters`: messages to the down endpoint; by default 12,000, at most 30 % of `--messages`. */
  deadLetters: number;
  /** `--retention`: HOOKWAY_RETENTION given to the stack; unset, Hookway's default. */
  retention: string | undefined;
  /** `--max-minutes`: the soak stops its rounds at 80 % of this and aborts at 100 %. @default 30 + 5 per 1,000 messages */
  maxMinutes: number;
}

/** Totals over every round, by fault. */
export interface SoakTotals {
  rounds: number;
  roundsPassed: number;
  accepted: number;
  refused: number;
  acceptedOnResend: number;
  delivered: number;
  lost: number;
  duplicates: number;
  duplicatesAfterCrash: number;
  duplicatesAfterTimeout: number;
  unexplainedDuplicates: number;
  cutOff: number;
}

/** `bench-results/soak-latest.json`. */
export interface SoakReport {
  options: SoakOptions;
  startedAt: string;
  durationSeconds: number;
  /** Why the rounds ended before all messages were sent, if they did. */
  stoppedEarly: string | null;
  totals: SoakTotals;
  byFault: Record<string, SoakTotals>;
  deadLetters: DeadLetterFigures | null;
  peakMemoryMb: Record<string, number>;
  database: { before: DatabaseSize | null; afterLoad: DatabaseSize | null; afterRetention: DatabaseSize | null; retention: RetentionOutcome | null };
  /** Accepted messages per second over the rounds (their share of the wall clock). */
  acceptedPerSec: number;
  rounds: ScenarioResult[];
  failures: string[];
}

/** Sums the figures of `results`. */
export function totalsOf(results: ScenarioResult[]): SoakTotals {
  const totals: SoakTotals = {
    rounds: results.length, roundsPassed: results.filter((r) => r.passed).length, accepted: 0, refused: 0, acceptedOnResend: 0, delivered: 0,
    lost: 0, duplicates: 0, duplicatesAfterCrash: 0, duplicatesAfterTimeout: 0, unexplainedDuplicates: 0, cutOff: 0,
  };
  for (const { figures: f } of results) {
    if (!f) continue;
    totals.accepted += f.accepted;
    totals.refused += f.refused;
    totals.acceptedOnResend += f.acceptedOnResend;
    totals.delivered += f.delivered;
    totals.lost += f.lost;
    totals.duplicates += f.duplicates;
    totals.duplicatesAfterCrash += f.duplicatesAfterCrash;
    totals.duplicatesAfterTimeout += f.duplicatesAfterTimeout;
    totals.unexplainedDuplicates += f.unexplainedDuplicates;
    totals.cutOff += f.cutOff;
  }
  return totals;
}

const size = (db: DatabaseSize | null): string =>
  db ? `${db.sizeMb} MB (${Object.entries(db.rows).map(([table, n]) => `${table} ${n}`).join(', ')})` : 'n/a';

/** The soak as a plain-text table. */
export function renderSoakTable(report: SoakReport): string {
  const t = report.totals;
  const dl = report.deadLetters;
  const retention = report.database.retention;
  const rows: [string, string, string][] = [
    ['Rounds', `${t.roundsPassed} of ${t.rounds} passed`, Object.entries(report.byFault).map(([fault, f]) => `${fault} ${f.roundsPassed}/${f.rounds}`).join(', ')],
    ['Accepted', String(t.accepted), `${t.refused} refused (503) during faults, ${t.acceptedOnResend} of them accepted when sent again; ${t.cutOff} tries cut off`],
    ['Delivered', String(t.delivered), `${report.acceptedPerSec} accepted/s over the rounds`],
    ['Lost', String(t.lost), 'accepted and never processed by its receiver'],
    ['Duplicates', String(t.duplicates), `${t.duplicatesAfterCrash} from attempts in flight at a crash, ${t.duplicatesAfterTimeout} after timed-out attempts, ${t.unexplainedDuplicates} unexplained`],
    [
      'Dead letters (down endpoint)',
      dl ? `${dl.openAtComeBack} open at its return` : 'n/a',
      dl ? `${dl.accepted} accepted for it; all dead-lettered ${dl.deadLetteredSeconds === null ? 'NOT within the wait' : `after ${dl.deadLetteredSeconds} s`}` : '',
    ],
    [
      'Redriven',
      dl ? `${dl.deliveredAfterRedrive} of ${dl.accepted} arrived` : 'n/a',
      dl ? `API answered ${dl.redriveAnswer}; ${dl.redrivePerSec}/s; ${dl.undelivered} not arrived after ${dl.redriveSeconds} s; ${dl.duplicates} duplicates; ${dl.openAtEnd} still open` : '',
    ],
    ['Peak memory', Object.entries(report.peakMemoryMb).map(([name, mb]) => `${name} ${mb} MB`).join(', '), 'RSS; PostgreSQL as PSS over all its processes'],
    ['Database before', size(report.database.before), ''],
    ['Database after the load', size(report.database.afterLoad), ''],
    [
      'Database after retention',
      retention?.available ? size(report.database.afterRetention) : 'retention not available',
      retention ? (retention.available ? `schedule ${retention.scheduleId}: ${retention.status} in ${retention.waitedSeconds} s` : retention.reason) : '',
    ],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [
    `Hookway soak: ${report.options.messages} messages at ${report.options.rate}/s, rounds of ${report.options.round}, ${report.durationSeconds} s, started ${report.startedAt}`,
    line(['Row', 'Figure', 'Detail']),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    ...(report.stoppedEarly ? [`Stopped early: ${report.stoppedEarly}`] : []),
    ...(report.failures.length > 0 ? ['Failures:', ...report.failures.slice(0, 30).map((f) => `  - ${f.replace(/\n/g, '\n    ')}`)] : []),
  ].join('\n');
}

/** Writes `soak-latest.json` into `dir`. @returns its path. */
export function writeSoakReport(dir: string, report: SoakReport): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'soak-latest.json');
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
