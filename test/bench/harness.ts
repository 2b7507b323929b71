import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { Client as PgClient } from 'pg';
import { freePort } from '../../src/runtime/ports';
import { startEmbeddedPostgres, type DevPostgres } from '../../src/dev/embedded-postgres';
import { startDevTemporal, type DevTemporal } from '../../src/dev/temporal-dev-server';
import { projectRoot } from '../../src/paths';
import { connectTemporalClient, type TemporalClientHandle } from '../../src/temporal/connection';
import { SupervisedProcess } from '../../src/runtime/supervised-process';

const READY_TIMEOUT_MS = 120_000;

/** Creates a fresh database next to the one `adminUrl` names; undefined when not allowed to. */
async function createDatabase(adminUrl: string, say: (line: string) => void): Promise<string | undefined> {
  const name = `hookway_bench_${randomBytes(5).toString('hex')}`;
  const admin = new PgClient({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    say(`could not create a bench database (${error instanceof Error ? error.message : String(error)}); using DATABASE_URL as it is`);
    return undefined;
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropDatabase(adminUrl: string, url: string): Promise<void> {
  const admin = new PgClient({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** Pids of processes whose command line mentions `needle` (how services started by src/dev are found). */
function pidsMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** True once some worker polls `taskQueue` for workflow tasks. */
async function hasPoller(client: Client, namespace: string, taskQueue: string): Promise<boolean> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return (answer.pollers ?? []).length > 0;
}

/**
 * Everything a run needs, on 127.0.0.1 with state in one temporary folder: PostgreSQL and Temporal
 * (started here unless DATABASE_URL / TEMPORAL_ADDRESS are set), a fresh database, Hookway's API and
 * worker as separate `node dist/src/*.js` children (or, `combined`, one child running both, as `npm start`
 * does), and the Temporal floor's worker as another child.
 */
export class BenchStack {
  private readonly cleanups: (() => Promise<void>)[] = [];
  /** Hookway's API. */
  api!: SupervisedProcess;
  /** Hookway's worker. */
  worker!: SupervisedProcess;
  /** The floor's worker. */
  floorWorker!: SupervisedProcess;
  /** The bench's own Temporal client (floor starts, task-queue checks). */
  temporalClient!: TemporalClientHandle;
  /** Base URL of Hookway's API. */
  apiUrl = '';
  /** A URL of the bench's PostgreSQL server that may create databases (DATABASE_URL, or the embedded one). */
  adminUrl = '';
  /** The run's own database (a fresh one next to DATABASE_URL's, when allowed). */
  databaseUrl = '';
  /** Temporal frontend, given or started here. */
  temporalAddress = '';
  /** `TEMPORAL_NAMESPACE`, or `default`. */
  readonly namespace = process.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  /** Generated for this run and given to the API. */
  readonly apiToken = `hw_bench_${randomBytes(18).toString('base64url')}`;
  /** Hookway's task queue, unique per run. */
  readonly taskQueue = `hookway-bench-${randomBytes(4).toString('hex')}`;
  /** The floor's task queue, on the same server. */
  readonly floorTaskQueue = `${this.taskQueue}-floor`;
  /** Where each service runs from: `started` here, or `given` by the environment. */
  readonly origin = { postgres: 'given', temporal: 'given' };

  private constructor(
    /** Temporary folder with every log and the state of services started here. */
    readonly root: string,
    private readonly say: (line: string) => void,
  ) {}

  /** Starts the whole stack; on failure stops whatever had started and rethrows. */
  static async start(options: { activitySlots: number; combined: boolean; cpuProfileDir?: string; say: (line: string) => void }): Promise<BenchStack> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hookway-bench-'));
    const stack = new BenchStack(root, options.say);
    stack.cleanups.push(async () => fs.rmSync(root, { recursive: true, force: true }));
    try {
      await stack.startServices();
      await stack.startProcesses(options.activitySlots, options.combined, options.cpuProfileDir);
      return stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  private async startServices(): Promise<void> {
    let adminUrl = process.env.DATABASE_URL?.trim() ?? '';
    if (!adminUrl) {
      this.say('starting the embedded PostgreSQL...');
      const postgres: DevPostgres = await startEmbeddedPostgres({ dataDir: this.root, port: await freePort(), report: this.say });
      this.cleanups.push(() => postgres.stop());
      this.origin.postgres = 'started';
      adminUrl = postgres.url;
    }
    this.temporalAddress = process.env.TEMPORAL_ADDRESS?.trim() ?? '';
    if (!this.temporalAddress) {
      this.say('starting the Temporal dev server...');
      const [port, uiPort] = [await freePort(), await freePort()];
      const server: DevTemporal = await startDevTemporal({ dataDir: this.root, port, uiPort, namespace: this.namespace, report: this.say });
      this.cleanups.push(() => server.stop());
      this.origin.temporal = 'started';
      this.temporalAddress = server.address;
    }
    this.adminUrl = adminUrl;
    const fresh = await createDatabase(adminUrl, this.say);
    this.databaseUrl = fresh ?? adminUrl;
    if (fresh) this.cleanups.push(() => dropDatabase(adminUrl, fresh));
    this.temporalClient = await connectTemporalClient({ address: this.temporalAddress, namespace: this.namespace });
    this.cleanups.push(() => this.temporalClient.connection.close());
  }

  /** With `cpuProfileDir`, Hookway's processes write V8 CPU profiles into `<cpuProfileDir>/<api|worker>` when they stop. */
  private async startProcesses(activitySlots: number, combined: boolean, cpuProfileDir?: string): Promise<void> {
    const port = await freePort();
    this.apiUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: this.namespace,
      PORT: String(port),
      HOST: '127.0.0.1',
      HOOKWAY_DATA_DIR: this.root,
      HOOKWAY_TASK_QUEUE: this.taskQueue,
      HOOKWAY_API_TOKEN: this.apiToken,
      // Given, not generated: API and worker must share one key.
      HOOKWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HOOKWAY_ALLOW_PRIVATE_NETWORKS: 'true',
      HOOKWAY_MAX_CONCURRENT_ACTIVITIES: String(activitySlots),
      HOOKWAY_WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const dist = path.join(projectRoot(), 'dist');
    const client = this.temporalClient.client;
    const profiled = (script: string, folder: string): string[] =>
      cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(cpuProfileDir, folder), script] : [script];
    const child = (name: string, args: string[], childEnv: NodeJS.ProcessEnv, logName: string, ready: () => Promise<boolean>) =>
      new SupervisedProcess({
        name,
        command: process.execPath,
        args,
        env: childEnv,
        logFile: path.join(this.root, logName),
        ready,
        readyTimeoutMs: READY_TIMEOUT_MS,
        restartOnExit: false,
        // In the bench's process group: whatever stops the group (Ctrl-C, a CI timeout) stops the children
        // too, even when the bench itself is killed before it can clean up.
        ownProcessGroup: false,
      });
    const apiReady = async (): Promise<boolean> => (await fetch(`${this.apiUrl}/health`)).status === 200;
    if (combined) {
      // As `npm start` runs them: one process is both; its CPU counts as the API's (the worker's is 0).
      this.api = child('Hookway (API and worker)', profiled(path.join(__dirname, 'combined-hookway.js'), 'api'), env, 'api.log', async () =>
        (await apiReady()) && hasPoller(client, this.namespace, this.taskQueue),
      );
      this.worker = this.api;
      this.cleanups.push(() => this.api.stop(15_000));
      await this.api.start();
    } else {
      // The API first: it applies the migrations the worker's repositories need.
      this.api = child('API', profiled(path.join(dist, 'src', 'main.js'), 'api'), env, 'api.log', apiReady);
      this.cleanups.push(() => this.api.stop(15_000));
      await this.api.start();
      this.worker = child('worker', profiled(path.join(dist, 'src', 'worker.js'), 'worker'), env, 'worker.log', () => hasPoller(client, this.namespace, this.taskQueue));
      this.cleanups.push(() => this.worker.stop(15_000));
    }
    const floorEnv = {
      ...process.env,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: this.namespace,
      BENCH_FLOOR_TASK_QUEUE: this.floorTaskQueue,
      BENCH_ACTIVITY_SLOTS: String(activitySlots),
    };
    this.floorWorker = child('floor worker', [path.join(__dirname, 'floor-worker.js')], floorEnv, 'floor-worker.log', () =>
      hasPoller(client, this.namespace, this.floorTaskQueue),
    );
    this.cleanups.push(() => this.floorWorker.stop(15_000));
    await Promise.all([...(combined ? [] : [this.worker.start()]), this.floorWorker.start()]);
  }

  /** Root pids of every process group whose CPU the bench accounts (services only when started here). */
  processRoots(): Record<string, number[]> {
    const roots: Record<string, number[]> = {
      bench: [process.pid],
      api: [this.api?.pid ?? 0],
      worker: this.worker === this.api ? [] : [this.worker?.pid ?? 0],
      floorWorker: [this.floorWorker?.pid ?? 0],
    };
    // Our services are the processes naming our temporary folder (the postmaster's -D, the SQLite file).
    if (this.origin.temporal === 'started') roots.temporal = pidsMentioning(path.join(this.root, 'temporal.sqlite'));
    if (this.origin.postgres === 'started') roots.postgres = pidsMentioning(path.join(this.root, 'postgres'));
    return roots;
  }

  /** Stops everything in reverse order of start; safe to call twice. */
  async stop(): Promise<void> {
    const cleanups = this.cleanups.splice(0).reverse();
    for (const cleanup of cleanups) {
      await cleanup().catch((error: unknown) => this.say(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}
