import type { Client as PgClient } from 'pg';
import type { HookwayApi, Ledger } from './api-client';
import type { BenchStack } from './harness';
import type { MemoryPeaks } from '../support/proc';
import type { CpuMeter, CpuUsage } from './proc-stats';
import type { BenchReceiver } from './receiver';
import type { BenchSettings } from './settings';

/** What every phase works with; built once per run by `runBench`. */
export interface BenchContext {
  settings: BenchSettings;
  stack: BenchStack;
  receiver: BenchReceiver;
  api: HookwayApi;
  ledger: Ledger;
  cpu: CpuMeter;
  rss: MemoryPeaks;
  /** A short random prefix of this run's message ids, so a reused database cannot confuse two runs. */
  runId: string;
  /** One pg connection to the bench database, for counting the failing neighbour's attempts (off Hookway's path). */
  pg: PgClient;
  say: (line: string) => void;
}

/** The message id of call `n` of a phase. */
export function messageId(ctx: BenchContext, label: string, n: number): string {
  return `${ctx.runId}_${label}_${n}`;
}

/** Runs `work` and returns its result with the CPU each process group used meanwhile. */
export async function withCpu<T>(ctx: BenchContext, work: () => Promise<T>): Promise<[T, CpuUsage]> {
  const before = ctx.cpu.snapshot();
  const result = await work();
  return [result, ctx.cpu.usage(before)];
}
