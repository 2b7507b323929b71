import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from './scenario';
import { counted } from './time';

const HEADER = ['scenario', 'accepted', 'refused (503)', 'delivered', 'duplicates', 'lost', 'notes'];

function row(result: ScenarioResult): string[] {
  const f = result.figures;
  const count = (value: number | undefined): string => (value === undefined ? '-' : String(value));
  const notes = [...result.notes];
  if (f && f.cutOff > 0) notes.push(`${counted(f.cutOff, 'try', 'tries')} got no answer and were sent again with the same id`);
  if (f && f.duplicatesAfterCrash > 0) notes.push(`${counted(f.duplicatesAfterCrash, 'duplicate')} from attempts in flight at the crash`);
  if (f && f.duplicatesAfterTimeout > 0) notes.push(`${counted(f.duplicatesAfterTimeout, 'duplicate')} from attempts Hookway timed out`);
  if (f && f.unexplainedDuplicates > 0) notes.push(`${counted(f.unexplainedDuplicates, 'duplicate')} unexplained`);
  if (!result.passed) notes.unshift(`FAILED (${result.failures.length})`);
  return [result.title, count(f?.accepted), count(f?.refused), count(f?.delivered), count(f?.duplicates), count(f?.lost), notes.join('; ')];
}

/** The results as a Markdown table: readable in a terminal, and pasted as it is into the README. */
export function renderTable(results: ScenarioResult[]): string {
  const lines = [HEADER, HEADER.map((_, i) => (i >= 1 && i <= 5 ? '--:' : '---')), ...results.map(row)];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Every failure, scenario by scenario, for the log. */
export function renderFailures(results: ScenarioResult[]): string {
  return results
    .filter((r) => !r.passed)
    .map((r) => `${r.title}:\n${r.failures.map((f) => `  - ${f.replace(/\n/g, '\n    ')}`).join('\n')}`)
    .join('\n');
}

/** Writes the full results (every figure, note, failure and crash window) as JSON. */
export function writeJson(file: string, results: ScenarioResult[], durationMs: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const passed = results.filter((r) => r.passed).length;
  const body = { finishedAt: new Date().toISOString(), durationMs, passed, failed: results.length - passed, scenarios: results };
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
}

/** The last line of the output, read by CI: exactly `N passed, M failed`. */
export function summaryLine(results: ScenarioResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}
