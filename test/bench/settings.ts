import path from 'node:path';
import { loadConfig } from '../../src/config';
import { projectRoot } from '../../src/paths';

/** Sizes and durations of one benchmark run; every field has its `BENCH_*` variable. */
export interface BenchSettings {
  /** `BENCH_CONCURRENCY`: concurrent POSTs (or workflow starts) in the max-rate phases. @default 32 */
  concurrency: number;
  /** `BENCH_RAW_SECONDS`: length of the raw-ceiling run. @default 5 */
  rawSeconds: number;
  /** `BENCH_SECONDS`: longest load of each max-rate run (Temporal floor, fan-out 1, fan-out 10). @default 10 */
  seconds: number;
  /** `BENCH_MAX_DELIVERIES`: deliveries (floor: workflows) after which a max-rate run stops posting. @default 400 */
  maxDeliveries: number;
  /**
   * `BENCH_SUSTAINED_SECONDS`: length of each paced run of the sustained measurements (floor and Hookway),
   * starting at 1.25x the burst rate, stepping down until a run keeps up (or up while they do). @default 30
   */
  sustainedSeconds: number;
  /** `BENCH_LATENCY_SECONDS`: length of each paced run (50 % and 90 % of the maximum). @default 10 */
  latencySeconds: number;
  /** `BENCH_FANOUT`: endpoints per message in the fan-out run. @default 10 */
  fanout: number;
  /** `BENCH_BACKLOG`: deliveries queued in the backlog and isolation runs. @default 10000 */
  backlog: number;
  /** `BENCH_BACKLOG_HOLD_SECONDS`: how long the backlog waits, receiver failing, before it recovers. @default 5 */
  backlogHoldSeconds: number;
  /**
   * `BENCH_ISOLATION_RATE`: messages per second to the healthy endpoint in the isolation run, capped at a
   * quarter of the measured maximum so the endpoint alone is lightly loaded. @default 20
   */
  isolationRate: number;
  /** `BENCH_ISOLATION_SECONDS`: length of each of the two isolation measurements. @default 10 */
  isolationSeconds: number;
  /** `BENCH_ENQUEUE_TIMEOUT_SECONDS`: the most time spent posting one backlog. @default 15 */
  enqueueTimeoutSeconds: number;
  /** `BENCH_BACKLOG_DRAIN_SECONDS`: the most time the backlog may take to drain before it is extrapolated. @default 75 */
  backlogDrainSeconds: number;
  /** `BENCH_DRAIN_TIMEOUT_SECONDS`: the most time spent waiting for deliveries after other phases. @default 60 */
  drainTimeoutSeconds: number;
  /** Activity slots of both workers: Hookway's `HOOKWAY_MAX_CONCURRENT_ACTIVITIES`. @default 100 */
  activitySlots: number;
  /**
   * `BENCH_CLUSTER`: also measure Hookway on a Temporal server with PostgreSQL persistence (one API, one
   * and three workers); `0` skips it. @default true
   */
  cluster: boolean;
  /**
   * `BENCH_DEAD_MESSAGES`: messages in each measurement of the dead-neighbour scenario (at the fixed rate,
   * then in a closed loop; alone, then beside the dead endpoint). @default 5000
   */
  deadNeighbourMessages: number;
  /** `BENCH_DEAD_RATE`: the dead-neighbour scenario's fixed offered rate (at most half the healthy endpoint's rate alone), messages/s. @default 30 */
  deadNeighbourRate: number;
  /** `BENCH_BATCH_MESSAGES`: messages the intake scenario posts through the batch API, 500 a request. @default 5000 */
  batchMessages: number;
  /** `BENCH_INTAKE_RATE`: single messages per second the intake scenario posts while the batches deliver. @default 40 */
  intakeRate: number;
  /**
   * `BENCH_COMBINED`: `1` runs Hookway's API and worker in one process, as `npm start` does, instead of two
   * (`npm run start:api` and `start:worker`); its CPU then counts as the API's. @default false
   */
  combined: boolean;
  /** `BENCH_OUT_DIR`: where `latest.json` (and the chart) go. @default "bench-results" */
  outDir: string;
}

type Env = Record<string, string | undefined>;

function positive(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** Reads the run's settings from `BENCH_*` variables; unset ones take the defaults (a run under 5 minutes). */
export function loadBenchSettings(env: Env = process.env): BenchSettings {
  return {
    concurrency: Math.round(positive(env, 'BENCH_CONCURRENCY', 32)),
    rawSeconds: positive(env, 'BENCH_RAW_SECONDS', 5),
    seconds: positive(env, 'BENCH_SECONDS', 10),
    maxDeliveries: Math.round(positive(env, 'BENCH_MAX_DELIVERIES', 400)),
    sustainedSeconds: positive(env, 'BENCH_SUSTAINED_SECONDS', 30),
    latencySeconds: positive(env, 'BENCH_LATENCY_SECONDS', 10),
    fanout: Math.round(positive(env, 'BENCH_FANOUT', 10)),
    backlog: Math.round(positive(env, 'BENCH_BACKLOG', 10_000)),
    backlogHoldSeconds: positive(env, 'BENCH_BACKLOG_HOLD_SECONDS', 5),
    isolationRate: positive(env, 'BENCH_ISOLATION_RATE', 20),
    isolationSeconds: positive(env, 'BENCH_ISOLATION_SECONDS', 10),
    enqueueTimeoutSeconds: positive(env, 'BENCH_ENQUEUE_TIMEOUT_SECONDS', 15),
    backlogDrainSeconds: positive(env, 'BENCH_BACKLOG_DRAIN_SECONDS', 75),
    drainTimeoutSeconds: positive(env, 'BENCH_DRAIN_TIMEOUT_SECONDS', 60),
    // The same number Hookway's worker gets, so the floor's worker runs with the same slots.
    activitySlots: loadConfig(env).worker.maxConcurrentActivities,
    cluster: !['0', 'false'].includes(env.BENCH_CLUSTER?.trim().toLowerCase() ?? ''),
    combined: ['1', 'true'].includes(env.BENCH_COMBINED?.trim().toLowerCase() ?? ''),
    deadNeighbourMessages: Math.round(positive(env, 'BENCH_DEAD_MESSAGES', 5000)),
    deadNeighbourRate: positive(env, 'BENCH_DEAD_RATE', 30),
    batchMessages: Math.round(positive(env, 'BENCH_BATCH_MESSAGES', 5000)),
    intakeRate: positive(env, 'BENCH_INTAKE_RATE', 40),
    outDir: path.resolve(projectRoot(), env.BENCH_OUT_DIR?.trim() || 'bench-results'),
  };
}
