import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/runtime/ports';
import { projectRoot } from '../../src/paths';
import { answers200 } from '../../src/runtime/readiness';
import { RestartablePostgres } from './postgres-server';
import { SupervisedProcess, type UnexpectedExit } from '../../src/runtime/supervised-process';
import { temporalDevServer } from './temporal-server';

/**
 * The whole stack as real processes on 127.0.0.1, state in one temporary folder: the embedded PostgreSQL,
 * `temporal server start-dev`, and Hookway's API (`dist/src/main.js`) and worker (`dist/src/worker.js`) as
 * separate children. Every part can be killed and brought back; `stop()` ends all of it.
 */
export class ReliabilityStack {
  private constructor(
    /** The temporary folder holding every process's state and log. */
    readonly root: string,
    readonly postgres: RestartablePostgres,
    readonly temporal: SupervisedProcess,
    readonly api: SupervisedProcess,
    readonly worker: SupervisedProcess,
    /** Base URL of the API; the same port across restarts, as a load balancer would see it. */
    readonly apiUrl: string,
    /** Frontend address of the dev server; the same port across restarts. */
    readonly temporalAddress: string,
    /** Headers every `/v1` call carries: the API's bearer token. */
    readonly apiHeaders: Record<string, string>,
  ) {}

  /** Creates the stack's folder and processes without starting them. */
  static async create(say: (line: string) => void): Promise<ReliabilityStack> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-reliability-'));
    const ports = { pg: await freePort(), temporal: await freePort(), api: await freePort(), metrics: await freePort() };
    const postgres = new RestartablePostgres(root, ports.pg, say);
    const temporal = await temporalDevServer(root, ports.temporal, say);
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const temporalAddress = `127.0.0.1:${ports.temporal}`;
    const apiToken = `hw_${randomBytes(24).toString('base64url')}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporalAddress,
      PORT: String(ports.api),
      HOST: '127.0.0.1',
      HOOKWAY_TASK_QUEUE: 'hookway-reliability',
      HOOKWAY_DATA_DIR: root,
      HOOKWAY_API_TOKEN: apiToken,
      // Given, not generated: API and worker start together and must not each write a different key.
      HOOKWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The receivers listen on loopback, which Hookway refuses by default; allow exactly that.
      HOOKWAY_ALLOWED_CIDRS: '127.0.0.1/32',
      // A fixed free port instead of 0: the worker serves /metrics only once its Temporal worker runs,
      // which is the one sign of readiness a lone worker gives at LOG_LEVEL=warn.
      HOOKWAY_WORKER_METRICS_PORT: String(ports.metrics),
      LOG_LEVEL: 'warn',
    };
    const dist = path.join(projectRoot(), 'dist', 'src');
    const api = new SupervisedProcess({
      name: 'api',
      command: process.execPath,
      args: [path.join(dist, 'main.js')],
      env,
      logFile: path.join(root, 'api.log'),
      // /health is 200 only when PostgreSQL and Temporal both answer this process.
      ready: () => answers200(`${apiUrl}/health`),
      readyTimeoutMs: 90_000,
      restartOnExit: true,
    });
    const worker = new SupervisedProcess({
      name: 'worker',
      command: process.execPath,
      args: [path.join(dist, 'worker.js')],
      env,
      logFile: path.join(root, 'worker.log'),
      ready: () => answers200(`http://127.0.0.1:${ports.metrics}/metrics`),
      // The worker bundles the workflows with webpack at start-up: slow on two busy cores.
      readyTimeoutMs: 120_000,
      restartOnExit: true,
    });
    return new ReliabilityStack(root, postgres, temporal, api, worker, apiUrl, temporalAddress, { authorization: `Bearer ${apiToken}` });
  }

  /** Brings up whatever is down: PostgreSQL and Temporal first, then the API and the worker. */
  async ensureUp(): Promise<void> {
    await this.postgres.start();
    await this.temporal.ensureUp();
    await Promise.all([this.api.ensureUp(), this.worker.ensureUp()]);
  }

  /** Every exit nobody asked for so far, in order. */
  unexpectedExits(): UnexpectedExit[] {
    return [...this.api.unexpectedExits, ...this.worker.unexpectedExits, ...this.temporal.unexpectedExits].sort((a, b) => a.at - b.at);
  }

  /** Stops Hookway first (it may still be finishing attempts), then Temporal, then PostgreSQL. */
  async stop(): Promise<void> {
    await Promise.all([this.api.stop(), this.worker.stop()]);
    await this.temporal.stop();
    await this.postgres.stop();
  }

  /** Copies the logs to `dir` (for CI to keep), then removes the temporary folder. */
  removeFolder(keepLogsIn?: string): void {
    if (keepLogsIn) {
      fs.mkdirSync(keepLogsIn, { recursive: true });
      for (const name of ['api.log', 'worker.log', 'temporal.log', 'postgres.log']) {
        const file = path.join(this.root, name);
        if (fs.existsSync(file)) fs.copyFileSync(file, path.join(keepLogsIn, name));
      }
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  /** Last resort on the runner's own exit: signals every child without waiting. */
  killNow(): void {
    this.api.killNow();
    this.worker.killNow();
    this.temporal.killNow();
    this.postgres.killNow();
  }
}
