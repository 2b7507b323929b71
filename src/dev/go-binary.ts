import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../paths';

/** A program Hookway builds from a Go module with `go install`, and the name it is cached under. */
export interface GoProgram {
  /** File name in `.hookway/bin` (several modules name their command `server`, so ours are renamed). */
  name: string;
  /** `module/path/cmd/x@version`, as `go install` takes it. */
  module: string;
  /** What the program is, in progress messages. */
  title: string;
}

/** Where built programs are cached: git-ignored, outside the data dir so a fresh data dir keeps them. */
export function goBinDir(): string {
  return path.join(projectRoot(), '.hookway', 'bin');
}

/** The cached path of `program`, built or not. */
export function cachedGoBinary(program: Pick<GoProgram, 'name'>): string {
  return path.join(goBinDir(), program.name);
}

/** True when `file` is an executable regular file. */
export function isExecutable(file: string): boolean {
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

/** `go install` failed; the message ends with the tail of Go's output. */
export class GoBuildError extends Error {
  constructor(
    readonly module: string,
    readonly exitCode: number | null,
    readonly outputTail: string,
  ) {
    super(`go install ${module} exited with ${exitCode}:${outputTail}`);
    this.name = 'GoBuildError';
  }
}

function goInstall(go: string, module: string, gobin: string, onLine: (line: string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', '-v', module], {
      // CGO off: static binaries, and no C toolchain needed on the machine.
      env: { ...process.env, GOBIN: gobin, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        onLine(line);
        tail = `${tail}\n${line}`.slice(-4000);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new GoBuildError(module, code, tail))));
  });
}

/**
 * Builds `program` with `go install` into the cache, reporting progress through `report` every 15 s (a
 * first build of anything containing the Temporal server takes minutes; later ones reuse Go's build cache).
 * Go names the binary after the command's folder, so it is installed into a staging folder and renamed.
 */
export async function buildGoBinary(go: string, program: GoProgram, report: (line: string) => void): Promise<string> {
  const target = cachedGoBinary(program);
  const staging = path.join(goBinDir(), `.build-${program.name}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  report(`Building ${program.title} (${program.module}) with ${go}; a first build takes a few minutes...`);
  const started = Date.now();
  let packages = 0;
  let lastLine = '';
  const ticker = setInterval(() => {
    report(`  ...still building ${program.name} (${Math.round((Date.now() - started) / 1000)} s, ${packages} packages so far) ${lastLine}`);
  }, 15_000);
  try {
    await goInstall(go, program.module, staging, (line) => {
      if (line.startsWith('go: downloading')) lastLine = line;
      else packages += 1;
    });
    const [built] = fs.readdirSync(staging);
    if (!built) throw new GoBuildError(program.module, 0, ' it installed no binary');
    fs.renameSync(path.join(staging, built), target);
  } finally {
    clearInterval(ticker);
    fs.rmSync(staging, { recursive: true, force: true });
  }
  report(`Built ${target} in ${Math.round((Date.now() - started) / 1000)} s.`);
  return target;
}

/**
 * The cached build of `program`, built now when absent.
 * @returns undefined when it is not cached and Go is not on PATH.
 */
export async function resolveGoBinary(program: GoProgram, report: (line: string) => void): Promise<string | undefined> {
  const cached = cachedGoBinary(program);
  if (isExecutable(cached)) return cached;
  const go = findOnPath('go');
  if (!go) return undefined;
  return buildGoBinary(go, program, report);
}
