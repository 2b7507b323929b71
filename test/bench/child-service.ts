import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** The last `bytes` of a log file, or '' when there is none. */
export function logTail(file: string, bytes = 2_000): string {
  try {
    const content = fs.readFileSync(file);
    return content.subarray(Math.max(0, content.length - bytes)).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * One Node child process the bench owns (Hookway's API, its worker, the floor's worker), logging to a
 * file. It stays in the bench's process group: whatever stops the group (Ctrl-C, a CI timeout) stops it
 * too, even when the bench itself is killed before it can clean up.
 */
export class ChildService {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    /** Name used in messages. */
    readonly name: string,
    script: string,
    env: NodeJS.ProcessEnv,
    /** Where stdout and stderr go. */
    readonly logFile: string,
    args: string[] = [],
  ) {
    const log = fs.openSync(logFile, 'a');
    this.child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** The process id, for /proc sampling. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** True while the process has not exited. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Polls `ready` every 250 ms until it answers true.
   * @throws when the process exits first or `timeoutMs` passes, with the end of its log.
   */
  async waitReady(ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited during start-up:\n${logTail(this.logFile)}`);
      if (await ready().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${logTail(this.logFile)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** SIGTERM (the process finishes in-flight work), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    const force = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(force);
  }
}
