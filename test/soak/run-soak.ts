/**
 * `npm run soak [-- --messages N]`: continuous load on Hookway run as real processes (the reliability
 * suite's stack), in rounds, each with one of the suite's faults (worker SIGKILL, Temporal SIGKILL,
 * PostgreSQL stop, API SIGKILL, receivers that time out and reset), while an endpoint that is down
 * collects dead letters; at the end it comes back and its dead letters are redriven through the API.
 * Prints a table and writes `bench-results/soak-latest.json`. Not part of CI: 100,000 messages take hours.
 * Stops its rounds at 80 % of `--max-minutes` and aborts at 100 %, so it always ends.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../src/paths';
import { ReliabilityStack } from '../reliability/harness';
import { runScenario } from '../reliability/run-scenario';
import type { ScenarioDefinition, ScenarioResult } from '../reliability/scenario';
import { apiKilled } from '../reliability/scenarios/api-killed';
import { postgresStopped } from '../reliability/scenarios/postgres-stopped';
import { temporalKilled } from '../reliability/scenarios/temporal-killed';
import { unrulyReceivers } from '../reliability/scenarios/unruly-receivers';
import { workerKilled } from '../reliability/scenarios/worker-killed';
import { databaseSize, triggerRetention, type DatabaseSize } from './database-size';
import { DownEndpoint, type DeadLetterFigures } from './down-endpoint';
import { childrenOf, MemoryPeaks } from '../support/proc';
import { renderSoakTable, totalsOf, writeSoakReport, type SoakOptions, type SoakReport } from './soak-report';

/** The faults in the order they rotate. */
const FAULTS: [string, () => ScenarioDefinition][] = [
  ['worker SIGKILL', workerKilled],
  ['Temporal SIGKILL', temporalKilled],
  ['PostgreSQL stop', postgresStopped],
  ['API SIGKILL', apiKilled],
  ['receiver chaos', unrulyReceivers],
];
const OUT_DIR = path.join(projectRoot(), 'bench-results');
/** Longest wait for the down endpoint's last message to be dead-lettered. */
const DEAD_LETTER_WAIT_MS = 10 * 60_000;
/** Pause between two redriven dead letters: short, so 10,000 of them redrive in minutes, not hours. */
const REDRIVE_INTERVAL_MS = '10';

const started = Date.now();
const say = (line: string): void => void process.stderr.write(`[soak +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Reads the command line; unknown options are refused. */
export function parseSoakOptions(argv: string[]): SoakOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string' }, rate: { type: 'string' }, round: { type: 'string' },
      'dead-letters': { type: 'string' }, retention: { type: 'string' }, 'max-minutes': { type: 'string' },
    },
    strict: true,
  });
  const messages = positiveInt('messages', values.messages, 100_000);
  const deadLetters = Math.min(positiveInt('dead-letters', values['dead-letters'], Math.min(12_000, Math.floor(messages * 0.3))), messages - 1);
  const roundShare = messages - deadLetters;
  return {
    messages,
    rate: positiveInt('rate', values.rate, 40),
    round: positiveInt('round', values.round, Math.min(2_000, Math.max(200, Math.ceil(roundShare / FAULTS.length)))),
    deadLetters,
    retention: values.retention,
    maxMinutes: positiveInt('max-minutes', values['max-minutes'], Math.ceil(30 + (messages / 1000) * 5)),
  };
}

/** The postmaster's pid (first line of postmaster.pid) and its children: every PostgreSQL process. */
function postgresPids(root: string): number[] {
  try {
    const pid = Number(fs.readFileSync(path.join(root, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? [pid, ...childrenOf(pid)] : [];
  } catch {
    return [];
  }
}

let stack: ReliabilityStack | undefined;
let peaks: MemoryPeaks | undefined;
let down: DownEndpoint | undefined;
const results: ScenarioResult[] = [];
const faultOf = new Map<string, string>();
const database: SoakReport['database'] = { before: null, afterLoad: null, afterRetention: null, retention: null };
let deadLetters: DeadLetterFigures | null = null;
let stoppedEarly: string | null = null;
let roundsMs = 0;
let cleaning: Promise<void> | undefined;

function report(options: SoakOptions): SoakReport {
  const byFault: SoakReport['byFault'] = {};
  for (const [fault] of FAULTS) byFault[fault] = totalsOf(results.filter((r) => faultOf.get(r.key) === fault));
  const totals = totalsOf(results);
  return {
    options,
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    stoppedEarly,
    totals,
    byFault,
    deadLetters,
    peakMemoryMb: peaks?.peak() ?? {},
    database,
    acceptedPerSec: roundsMs > 0 ? Math.round(((totals.accepted + (deadLetters?.accepted ?? down?.accepted ?? 0)) * 10000) / roundsMs) / 10 : 0,
    rounds: results,
    failures: results.flatMap((r) => r.failures.map((f) => `${r.key}: ${f}`)),
  };
}

/** Stops every process and removes the temporary folder, keeping the logs; runs once. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    peaks?.stop();
    await down?.close().catch(() => undefined);
    if (!stack) return;
    await stack.stop().catch((error: unknown) => say(`stopping the stack failed: ${String(error)}`));
    stack.removeFolder(path.join(projectRoot(), 'test-output', 'soak-logs'));
  })();
  return cleaning;
}

function finish(options: SoakOptions): number {
  const final = report(options);
  const file = writeSoakReport(OUT_DIR, final);
  process.stdout.write(`\n${renderSoakTable(final)}\n`);
  say(`wrote ${file}`);
  const ok = final.totals.lost === 0 && final.failures.length === 0 && (final.deadLetters?.undelivered ?? 1) === 0 && !final.stoppedEarly;
  return ok ? 0 : 1;
}

async function measureDatabase(): Promise<DatabaseSize | null> {
  if (!stack) return null;
  return databaseSize(stack.postgres.url).catch((error: unknown) => {
    say(`could not read the database size: ${String(error)}`);
    return null;
  });
}

async function soak(options: SoakOptions): Promise<void> {
  // The soak's own settings for the stack it starts (ReliabilityStack passes process.env on).
  process.env.HOOKWAY_REDRIVE_INTERVAL_MS = REDRIVE_INTERVAL_MS;
  if (options.retention) process.env.HOOKWAY_RETENTION = options.retention;
  stack = await ReliabilityStack.create(say);
  const s = stack;
  say(`state and logs in ${s.root}; starting PostgreSQL, Temporal, the API and a worker...`);
  await s.ensureUp();
  peaks = new MemoryPeaks(
    {
      api: { pids: () => [s.api.pid], measure: 'rss' },
      worker: { pids: () => [s.worker.pid], measure: 'rss' },
      temporal: { pids: () => [s.temporal.pid], measure: 'rss' },
      postgres: { pids: () => postgresPids(s.root), measure: 'pss' },
      soak: { pids: () => [process.pid], measure: 'rss' },
    },
    1000,
  );
  database.before = await measureDatabase();
  down = await DownEndpoint.create(s);
  const roundShare = options.messages - options.deadLetters;
  const softDeadline = started + options.maxMinutes * 60_000 * 0.8;
  const roundsStarted = Date.now();
  let sent = 0;
  let downSent = 0;
  for (let round = 0; sent < roundShare; round += 1) {
    if (Date.now() > softDeadline) {
      stoppedEarly = `--max-minutes ${options.maxMinutes}: rounds stopped after ${sent} of ${roundShare} messages`;
      say(stoppedEarly);
      break;
    }
    const [fault, definition] = FAULTS[round % FAULTS.length];
    const base = definition();
    const count = Math.min(options.round, roundShare - sent);
    const def: ScenarioDefinition = { ...base, key: `${base.key}-r${round}`, messages: count, ratePerSecond: options.rate };
    faultOf.set(def.key, fault);
    // The down endpoint's share, spread evenly over the rounds and paced to last as long as the burst.
    const downCount = Math.round((options.deadLetters * (sent + count)) / roundShare) - downSent;
    const downRate = Math.max(1, downCount / (count / options.rate));
    say(`round ${round + 1}: ${fault}, ${count} messages at ${options.rate}/s (+${downCount} to the down endpoint)`);
    const [result] = await Promise.all([runScenario(s, def, say), down.post(downSent, downCount, downRate)]);
    await s.ensureUp();
    await down.resendRefused();
    results.push(result);
    sent += count;
    downSent += downCount;
    const t = totalsOf(results);
    say(
      `round ${round + 1} ${result.passed ? 'passed' : `FAILED: ${result.failures[0]?.split('\n')[0]}`}; so far ${t.accepted} accepted, ` +
        `${t.delivered} delivered, ${t.lost} lost, ${t.duplicates} duplicates; down endpoint ${down.accepted} accepted; peak ${JSON.stringify(peaks.peak())}`,
    );
  }
  roundsMs = Date.now() - roundsStarted;
  database.afterLoad = await measureDatabase();
  // The dead-letter workflow redrives one at a time (an activity and a timer each, about 1/s on a busy
  // two-core machine): the redrive may use what is left of --max-minutes, keeping 5 minutes to report.
  const redriveWaitMs = Math.max(10 * 60_000, started + options.maxMinutes * 60_000 - Date.now() - 5 * 60_000);
  deadLetters = await down.comeBackAndRedrive(DEAD_LETTER_WAIT_MS, redriveWaitMs, say);
  say(`redrive: ${deadLetters.deliveredAfterRedrive} of ${deadLetters.accepted} arrived in ${deadLetters.redriveSeconds} s`);
  say('retention: looking for its Temporal Schedule...');
  database.retention = await triggerRetention(s.temporalAddress, 10 * 60_000);
  if (database.retention.available) database.afterRetention = await measureDatabase();
  else say(database.retention.reason);
}

/** Ends the run early (a signal, or the watchdog): stop everything, report what there is, exit. */
function abort(options: SoakOptions, reason: string, code: number): void {
  if (cleaning) process.exit(code);
  stoppedEarly = reason;
  say(`${reason}: stopping every process...`);
  void cleanUp().finally(() => {
    finish(options);
    process.exit(code);
  });
}

if (require.main === module) {
  let options: SoakOptions;
  try {
    options = parseSoakOptions(process.argv.slice(2));
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    say('usage: npm run soak [-- --messages 100000 --rate 40 --round 2000 --dead-letters 12000 --retention 15m --max-minutes 280]');
    process.exit(2);
  }
  say(`${options.messages} messages (${options.deadLetters} to the down endpoint), rounds of ${options.round} at ${options.rate}/s; ends within ${options.maxMinutes} minutes`);
  process.on('SIGINT', () => abort(options, 'interrupted', 130));
  process.on('SIGTERM', () => abort(options, 'terminated', 143));
  setTimeout(() => abort(options, `did not finish within ${options.maxMinutes} minutes`, 1), options.maxMinutes * 60_000).unref();
  process.on('exit', () => stack?.killNow());
  void soak(options)
    .catch((error: unknown) => {
      stoppedEarly = `crashed: ${error instanceof Error ? error.message : String(error)}`;
      say(`${stoppedEarly}\n${error instanceof Error ? error.stack : ''}`);
    })
    .then(() => cleanUp())
    .then(() => process.exit(finish(options)));
}
