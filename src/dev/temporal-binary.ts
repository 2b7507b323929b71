import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths';

/** The Go module of the official CLI; later tags carry `replace` directives and cannot be go-installed. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** Where a built CLI is cached: git-ignored, outside the data dir so a fresh data dir keeps it. */
export function cachedTemporalBinary(): string {
  return path.join(projectRoot(), '.hookway', 'bin', 'temporal');
}

/** No `temporal` binary could be found or made; the message says how to get one. */
export class TemporalBinaryUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `${detail}\nHookway needs the Temporal CLI to run a local dev server. Either:\n` +
        `  - install Go (https://go.dev/dl) and run npm start again: it builds ${TEMPORAL_CLI_MODULE} into .hookway/bin;\n` +
        `  - or put a 'temporal' binary on PATH (https://docs.temporal.io/cli#install);\n` +
        `  - or set TEMPORAL_ADDRESS to a Temporal server you already run.`,
    );
    this.name = 'TemporalBinaryUnavailableError';
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Finds an executable `name` on PATH. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** A `temporal` already at hand: on PATH first, then the project's cache. */
export function findTemporalBinary(): string | undefined {
  const cached = cachedTemporalBinary();
  return findOnPath('temporal') ?? (isExecutable(cached) ? cached : undefined);
}

/**
 * Builds the CLI with `go install` into the cache, reporting progress through `report` (the first build
 * compiles the whole Temporal server and takes minutes; later ones reuse Go's build cache).
 */
export async function buildTemporalBinary(go: string, report: (line: string) => void): Promise<string> {
  const target = cachedTemporalBinary();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  report(`Building the Temporal CLI (${TEMPORAL_CLI_MODULE}) with ${go}; the first build takes a few minutes...`);
  const started = Date.now();
  let packages = 0;
  let lastLine = '';
  const ticker = setInterval(() => {
    report(`  ...still building (${Math.round((Date.now() - started) / 1000)} s, ${packages} packages so far) ${lastLine}`);
  }, 15_000);
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', '-v', TEMPORAL_CLI_MODULE], {
        env: { ...process.env, GOBIN: path.dirname(target), CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
        stdio: ['ignore', 'inherit', 'pipe'],
      });
      let tail = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          if (line.startsWith('go: downloading')) lastLine = line;
          else packages += 1;
          tail = `${tail}\n${line}`.slice(-4000);
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${code}:${tail}`))));
    });
  } finally {
    clearInterval(ticker);
  }
  report(`Built ${target} in ${Math.round((Date.now() - started) / 1000)} s.`);
  return target;
}

/**
 * The `temporal` binary to run: on PATH, cached, or built now with Go.
 * @returns undefined when none exists and Go is missing (the caller may then try the SDK's download).
 */
export async function resolveTemporalBinary(report: (line: string) => void): Promise<string | undefined> {
  const found = findTemporalBinary();
  if (found) return found;
  const go = findOnPath('go');
  if (!go) return undefined;
  return buildTemporalBinary(go, report);
}
