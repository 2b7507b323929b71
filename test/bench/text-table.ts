import fs from 'node:fs';
import path from 'node:path';

/** A bench table as plain text: a title line, then a pipe table of three-column rows under `header`. */
export function textTable(title: string, header: [string, string, string], rows: [string, string, string][]): string[] {
  const all = [header, ...rows];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]): string => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [title, line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

/** Writes `report` as `<outDir>/<name>`, pretty-printed. @returns the file's path. */
export function writeReportFile(outDir: string, name: string, report: unknown): string {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, name);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
