import path from 'node:path';
import type { HookwayConfig } from '../config';
import { projectRoot } from '../paths';
import { answers200 } from '../runtime/readiness';
import { SupervisedProcess, type UnexpectedExit } from '../runtime/supervised-process';

/** How many Hookway processes to run against one Temporal and one PostgreSQL, and where. */
export interface FleetOptions {
  /** Resolved settings: the started services' addresses filled in. */
  config: HookwayConfig;
  /** One port per API process. */
  apiPorts: number[];
  /** One `/metrics` port per worker process (also its readiness signal). */
  workerMetricsPorts: number[];
  /** Where `api-<n>.log` and `worker-<n>.log` go. */
  logDir: string;
  /** Shared by every process: all APIs check one token (none with HOOKWAY_INSECURE_NO_AUTH), all open secrets with one key. */
  apiToken: string | undefined;
  encryptionKey: string;
  /** Restart a process that exits on its own, as a deployment's supervisor would. */
  restartOnExit: boolean;
  /** Extra environment for every process (a test's settings). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Hookway scaled out: `node dist/src/main.js` API processes and `node dist/src/worker.js` worker
 * processes, each a child of its own, all against the same Temporal namespace and task queue. Temporal
 * spreads the deliveries over the workers; a load balancer (or the caller) spreads requests over the APIs.
 */
export class HookwayFleet {
  readonly apis: SupervisedProcess[];
  readonly workers: SupervisedProcess[];
  /** Base URL of each API, in order. */
  readonly apiUrls: string[];

  constructor(options: FleetOptions) {
    const { config } = options;
    const dist = path.join(projectRoot(), 'dist', 'src');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: config.database.url,
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_NAMESPACE: config.temporal.namespace,
      TEMPORAL_UI_URL: config.temporal.uiUrl,
      HOST: config.api.host,
      HOOKWAY_DATA_DIR: config.dataDir,
      ...(options.apiToken ? { HOOKWAY_API_TOKEN: options.apiToken } : {}),
      HOOKWAY_ENCRYPTION_KEY: options.encryptionKey,
      HOOKWAY_ALLOW_PRIVATE_NETWORKS: String(config.security.allowPrivateNetworks),
      ...options.env,
    };
    const host = config.api.host === '0.0.0.0' || config.api.host === '::' ? '127.0.0.1' : config.api.host;
    this.apiUrls = options.apiPorts.map((port) => `http://${host}:${port}`);
    const child = (name: string, script: string, childEnv: NodeJS.ProcessEnv, ready: () => Promise<boolean>, readyTimeoutMs: number) =>
      new SupervisedProcess({
        name,
        command: process.execPath,
        args: [path.join(dist, script)],
        env: { ...env, ...childEnv },
        logFile: path.join(options.logDir, `${name}.log`),
        ready,
        readyTimeoutMs,
        restartOnExit: options.restartOnExit,
      });
    // /health is 200 only when PostgreSQL and Temporal both answer this process.
    this.apis = options.apiPorts.map((port, i) => child(`api-${i + 1}`, 'main.js', { PORT: String(port) }, () => answers200(`${this.apiUrls[i]}/health`), 120_000));
    // A lone worker serves /metrics only once its Temporal worker polls. Each bundles the workflows with
    // webpack at start-up: slow when several share two cores.
    this.workers = options.workerMetricsPorts.map((port, i) =>
      child(`worker-${i + 1}`, 'worker.js', { HOOKWAY_WORKER_METRICS_PORT: String(port) }, () => answers200(`http://127.0.0.1:${port}/metrics`), 240_000),
    );
  }

  /**
   * Starts the first API alone (it applies the database migrations), then the other APIs and every
   * worker together. On failure whatever started is stopped again.
   */
  async start(): Promise<void> {
    try {
      const [first, ...rest] = this.apis;
      await first?.start();
      await Promise.all([...rest, ...this.workers].map((child) => child.start()));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Every exit nobody asked for so far. */
  unexpectedExits(): UnexpectedExit[] {
    return [...this.apis, ...this.workers].flatMap((child) => child.unexpectedExits).sort((a, b) => a.at - b.at);
  }

  /** Stops the APIs first (no new messages), then the workers, which finish their in-flight attempts. */
  async stop(): Promise<void> {
    await Promise.all(this.apis.map((api) => api.stop()));
    await Promise.all(this.workers.map((worker) => worker.stop(30_000)));
  }

  /** Last resort on the parent's own exit: SIGKILL to every child without waiting. */
  killNow(): void {
    for (const child of [...this.apis, ...this.workers]) child.killNow();
  }
}
