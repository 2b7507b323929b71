/**
 * `npm run test:reliability`: runs Hookway as real processes (embedded PostgreSQL, `temporal server
 * start-dev`, the API and a worker as separate children, receivers on 127.0.0.1) and, scenario by
 * scenario, bursts messages into it while killing or stopping one part. It counts what was accepted,
 * refused, delivered, duplicated and lost, prints the table, writes `test-output/reliability.json`, and
 * ends with `N passed, M failed`. Exit code 0 only when every scenario passed. Arguments filter the
 * scenarios by key: `npm run test:reliability -- worker`.
 */
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { ReliabilityStack } from './harness';
import { renderFailures, renderTable, summaryLine, writeJson } from './report';
import { runScenario } from './run-scenario';
import type { ScenarioDefinition, ScenarioResult } from './scenario';
import { allScenarios } from './scenarios';

// Far above a normal run (about 2 minutes), so only a hang trips it; the suite then stops by itself.
const SUITE_TIMEOUT_MS = 15 * 60_000;
const OUTPUT_DIR = path.join(projectRoot(), 'test-output');

const say = (line: string): void => void process.stderr.write(`[reliability] ${line}\n`);
const out = (line: string): void => void process.stdout.write(`${line}\n`);

let stack: ReliabilityStack | undefined;
let cleaning: Promise<void> | undefined;
const started = Date.now();
const results: ScenarioResult[] = [];

/** Stops every process and removes the temporary folder, keeping the logs; runs once. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    if (!stack) return;
    await stack.stop().catch((error: unknown) => say(`stopping the stack failed: ${String(error)}`));
    stack.removeFolder(path.join(OUTPUT_DIR, 'reliability-logs'));
  })();
  return cleaning;
}

/** Marks every scenario that has no result yet as failed for `reason`. */
function failRemaining(scenarios: ScenarioDefinition[], reason: string): void {
  for (const scenario of scenarios.filter((s) => !results.some((r) => r.key === s.key))) {
    results.push({ key: scenario.key, title: scenario.title, passed: false, failures: [reason], notes: [], crashWindows: [], durationMs: 0 });
  }
}

/** Writes the JSON, prints the table and the summary line; returns the exit code. */
function finish(): number {
  const durationMs = Date.now() - started;
  writeJson(path.join(OUTPUT_DIR, 'reliability.json'), results, durationMs);
  out('');
  out(renderTable(results));
  const failures = renderFailures(results);
  if (failures) out(`\nFailures:\n${failures}`);
  out(`\nTotal ${(durationMs / 1000).toFixed(0)} s; details in test-output/reliability.json, logs in test-output/reliability-logs/`);
  out(summaryLine(results));
  return results.length > 0 && results.every((r) => r.passed) ? 0 : 1;
}

/** Ends the run early (a signal, or the watchdog): stop everything in order, report, exit. */
function abort(scenarios: ScenarioDefinition[], reason: string, code: number): void {
  if (cleaning) process.exit(code);
  say(`${reason}: stopping every process...`);
  failRemaining(scenarios, reason);
  void cleanUp().finally(() => {
    finish();
    process.exit(code);
  });
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const scenarios = allScenarios().filter((s) => filters.length === 0 || filters.some((f) => s.key.includes(f)));
  if (scenarios.length === 0) {
    say(`no scenario matches ${filters.join(', ')}`);
    return 1;
  }
  process.on('SIGINT', () => abort(scenarios, 'interrupted', 130));
  process.on('SIGTERM', () => abort(scenarios, 'terminated', 143));
  setTimeout(() => abort(scenarios, `the suite did not finish within ${SUITE_TIMEOUT_MS / 60_000} minutes`, 1), SUITE_TIMEOUT_MS).unref();
  // Whatever way this process ends, no child outlives it.
  process.on('exit', () => stack?.killNow());
  try {
    stack = await ReliabilityStack.create(say);
    say(`state and logs in ${stack.root}`);
    say('starting PostgreSQL, Temporal, the API and a worker...');
    await stack.ensureUp();
    say(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const scenario of scenarios) {
      const result = await runScenario(stack, scenario, say);
      say(`${scenario.key}: ${result.passed ? 'passed' : 'FAILED'} in ${(result.durationMs / 1000).toFixed(1)} s`);
      results.push(result);
    }
  } catch (error) {
    failRemaining(scenarios, `the stack did not start: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await cleanUp();
  }
  return finish();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    say(`crashed: ${error instanceof Error ? error.stack : String(error)}`);
    failRemaining(allScenarios(), 'the runner crashed');
    process.exit(finish());
  },
);
