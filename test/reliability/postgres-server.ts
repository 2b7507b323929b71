import fs from 'node:fs';
import path from 'node:path';
import { embeddedDatabaseUrl } from '../../src/config';
import { startEmbeddedPostgres, type DevPostgres } from '../../src/dev/embedded-postgres';

/**
 * The embedded PostgreSQL, stoppable and startable again on the same data dir and port: the second start
 * finds the initialised cluster and only starts it, so the outage keeps every committed row.
 */
export class RestartablePostgres {
  private server: DevPostgres | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly port: number,
    private readonly say: (line: string) => void,
  ) {}

  /** The URL Hookway and the checks connect to. */
  get url(): string {
    return embeddedDatabaseUrl(this.port);
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.server !== undefined;
  }

  /** Starts the server (initialising it on first use). */
  async start(): Promise<void> {
    if (this.server) return;
    this.server = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port, report: this.say });
  }

  /** A fast shutdown (SIGINT): open transactions are rolled back, connections cut. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  /**
   * Last resort on the runner's own exit, when nothing can be awaited: the postmaster's pid is the first
   * line of `postmaster.pid`; SIGINT asks it for the same fast shutdown.
   */
  killNow(): void {
    try {
      const pid = Number(fs.readFileSync(path.join(this.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGINT');
    } catch {
      // Not running: nothing to stop.
    }
  }
}
