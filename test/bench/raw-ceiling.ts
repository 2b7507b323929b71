import { execFile } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { withCpu, type BenchContext } from './context';
import type { CpuUsage } from './proc-stats';
import type { RawSenderJob, RawSenderResult } from './raw-sender';
import { perSecond } from './stats';

/** Connections per origin of Hookway's worker Agent (src/temporal/worker.ts). */
const WORKER_CONNECTIONS_PER_ORIGIN = 50;

/** The raw ceiling: what undici and the receiver manage on this machine with no Hookway in between. */
export interface RawCeilingResult {
  /** 2xx arrivals at the receiver per second. */
  perSec: number;
  requests: number;
  failed: number;
  concurrency: number;
  connections: number;
  seconds: number;
  cpu: CpuUsage;
}

/**
 * Signed POSTs straight from undici (a child process, like the worker) to the receiver's route `raw`,
 * with as many in flight as the worker has activity slots and the worker's connections per origin.
 */
export async function runRawCeiling(ctx: BenchContext): Promise<RawCeilingResult> {
  const job: RawSenderJob = {
    url: ctx.receiver.url('raw'),
    seconds: ctx.settings.rawSeconds,
    concurrency: ctx.settings.activitySlots,
    connections: WORKER_CONNECTIONS_PER_ORIGIN,
  };
  const script = path.join(__dirname, 'raw-sender.js');
  const started = performance.now();
  const [sender, cpu] = await withCpu(ctx, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [script, JSON.stringify(job)], {
      timeout: (job.seconds + 30) * 1000,
    });
    return JSON.parse(stdout) as RawSenderResult;
  });
  const arrived = ctx.receiver.route('raw').delivered.size;
  // The sender exited before the second snapshot, so its CPU is in "unattributed"; book it as its own.
  const senderSeconds = sender.cpuMs / 1000;
  cpu.groups.rawSender = Math.round(senderSeconds * 100) / 100;
  cpu.unattributed = Math.round(Math.max(0, cpu.unattributed - senderSeconds) * 100) / 100;
  return {
    perSec: perSecond(arrived, Math.min(sender.elapsedMs, performance.now() - started)),
    requests: sender.sent,
    failed: sender.failed,
    concurrency: job.concurrency,
    connections: job.connections,
    seconds: job.seconds,
    cpu,
  };
}
