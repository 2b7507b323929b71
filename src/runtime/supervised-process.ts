import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An exit the supervisor did not ask for: a crash, or a process that gave up on its own. */
export interface UnexpectedExit {
  name: string;
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The end of the process's log, which usually says why. */
  logTail: string;
}

/** How to run, watch and restart one child process. */
export interface SupervisedOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here; the file outlives restarts. */
  logFile: string;
  /** True once the process serves; polled after every start. */
  ready: () => Promise<boolean>;
  readyTimeoutMs: number;
  /**
   * Restart after an exit nobody asked for, as the deployment's supervisor would (docker-compose's
   * `restart: unless-stopped`), so one crash does not also stop every later delivery of the run.
   */
  restartOnExit: boolean;
  /**
   * Run in a process group of its own (the default), so a Ctrl-C in the terminal reaches only the parent,
   * which then stops its children in order. False keeps the child in the parent's group, so whatever
   * stops the group (a CI timeout) stops the child too, even when the parent dies before cleaning up.
   */
  ownProcessGroup?: boolean;
}

/** The last `bytes` of a log file, or '' when it does not exist yet. */
export function logTail(file: string, bytes = 2_000): string {
  try {
    const content = fs.readFileSync(file);
    return content.subarray(Math.max(0, content.length - bytes)).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * One child process its parent owns (a stack, a test harness, the bench): started and waited for until it
 * serves, killed (SIGKILL, a fault under test), stopped (SIGTERM), and restarted when it exits on its own
 * if so configured.
 */
export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private wanted = false;
  private restarting: Promise<void> | undefined;
  /** Exits nobody asked for, in order. */
  readonly unexpectedExits: UnexpectedExit[] = [];

  constructor(private readonly options: SupervisedOptions) {}

  /** The process's name in notes and logs. */
  get name(): string {
    return this.options.name;
  }

  /** The current child's process id (0 before the first start), for /proc sampling. */
  get pid(): number {
    return this.child?.pid ?? 0;
  }

  /** True while a child is alive. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits until it serves. */
  async start(): Promise<void> {
    this.wanted = true;
    if (!this.running) this.spawnChild();
    await this.waitReady();
  }

  /** Resolves once the process runs and serves again, restarting it if it is down. */
  async ensureUp(): Promise<void> {
    if (this.restarting) await this.restarting.catch(() => undefined);
    await this.start();
  }

  /**
   * Sends SIGKILL at once (synchronously, so a caller can kill right after an event) and resolves when the
   * process is gone. It stays down until `start()`.
   */
  kill(): Promise<void> {
    this.wanted = false;
    if (!this.running) return this.exited;
    this.child?.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM (an orderly stop), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.wanted = false;
    if (!this.running) return;
    const force = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    this.child?.kill('SIGTERM');
    await this.exited;
    clearTimeout(force);
  }

  /** Last resort on the parent's own exit: SIGKILL without waiting. */
  killNow(): void {
    this.wanted = false;
    if (this.running) this.child?.kill('SIGKILL');
  }

  private spawnChild(): void {
    const log = fs.openSync(this.options.logFile, 'a');
    fs.writeSync(log, `\n--- ${new Date().toISOString()} starting ${this.options.name}\n`);
    const child = spawn(this.options.command, this.options.args, {
      env: this.options.env,
      stdio: ['ignore', log, log],
      detached: this.options.ownProcessGroup ?? true,
    });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.wanted && this.child === child) this.onUnexpectedExit(code, signal);
        resolve();
      });
    });
  }

  private onUnexpectedExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.unexpectedExits.push({ name: this.options.name, at: Date.now(), code, signal, logTail: logTail(this.options.logFile) });
    if (!this.options.restartOnExit) return;
    this.restarting = (async () => {
      await sleep(1_000);
      if (this.wanted && !this.running) await this.start();
    })();
    // Observed by ensureUp; a restart that fails shows there, and as another unexpected exit.
    this.restarting.catch(() => undefined);
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + this.options.readyTimeoutMs;
    for (;;) {
      if (!this.running) {
        throw new Error(`${this.options.name} exited while starting:\n${logTail(this.options.logFile)}`);
      }
      if (await this.options.ready().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new Error(`${this.options.name} did not become ready within ${this.options.readyTimeoutMs} ms:\n${logTail(this.options.logFile)}`);
      }
      await sleep(250);
    }
  }
}
