import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { listProcesses, procFieldMb } from '../support/proc';

// Clock ticks per second of /proc CPU times; 100 on practically every Linux, asked once to be sure.
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** Peak resident memory of a process so far (VmHWM), in MB; undefined when it is gone. */
export function peakRssMb(pid: number): number | undefined {
  return procFieldMb(pid, 'status', 'VmHWM');
}

function machineTicks(): { busy: number; iowait: number } {
  const [cpu] = fs.readFileSync('/proc/stat', 'utf8').split('\n');
  const values = cpu.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  return { busy: values.slice(0, 8).reduce((sum, v, i) => (i === 3 || i === 4 ? sum : sum + v), 0), iowait: values[4] };
}

/** CPU snapshot: ticks per process of each group (a root and its descendants), and of the whole machine. */
export interface CpuSnapshot {
  at: number;
  /** Per group, ticks by pid: per-process, because a process that exits (a pooled PostgreSQL backend
   * closed when idle) would otherwise take its whole history out of the group's sum. */
  groups: Record<string, Map<number, number>>;
  machine: { busy: number; iowait: number };
  /** Ticks of every user-space process in no group, by pid, with its name. */
  foreign: Map<number, { name: string; ticks: number }>;
}

/** CPU seconds each group used between two snapshots, what the rest of the machine used, and cores. */
export interface CpuUsage {
  seconds: number;
  /** CPU seconds per group. */
  groups: Record<string, number>;
  /** CPU seconds of user-space processes outside every group: another test suite, a compiler... */
  other: number;
  /** CPU seconds nobody above accounts for: kernel threads (disk writeback), interrupts, processes that exited. */
  unattributed: number;
  /** Busy fraction of the whole machine (1 = every core busy). */
  machineBusy: number;
  /** Fraction of the machine's core time spent idle waiting for disk I/O. */
  iowait: number;
  /** The processes outside every group that used the most CPU, e.g. `tsc 3.1 s`. */
  topOther: string[];
}

/**
 * Accounts CPU time by process tree from /proc, so a phase can say where the time went (Temporal server,
 * PostgreSQL, API, worker, the bench itself) and whether something else on the machine was busy.
 */
export class CpuMeter {
  constructor(private readonly roots: () => Record<string, number[]>) {}

  /** Reads the current counters. */
  snapshot(): CpuSnapshot {
    const processes = listProcesses();
    const children = new Map<number, number[]>();
    for (const [pid, entry] of processes) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), pid]);
    const groups: Record<string, Map<number, number>> = {};
    const counted = new Set<number>();
    const rootsByGroup = this.roots();
    for (const [name, roots] of Object.entries(rootsByGroup)) {
      // A group's tree stops at another group's root: the bench's children are groups of their own.
      const others = new Set(Object.entries(rootsByGroup).flatMap(([other, pids]) => (other === name ? [] : pids)));
      const ticks = new Map<number, number>();
      const queue = [...roots];
      const seen = new Set<number>();
      while (queue.length > 0) {
        const pid = queue.pop() ?? 0;
        if (seen.has(pid) || others.has(pid) || !processes.has(pid)) continue;
        seen.add(pid);
        counted.add(pid);
        ticks.set(pid, processes.get(pid)?.ticks ?? 0);
        queue.push(...(children.get(pid) ?? []));
      }
      groups[name] = ticks;
    }
    const foreign = new Map<number, { name: string; ticks: number }>();
    for (const [pid, entry] of processes) {
      if (!counted.has(pid) && !entry.kernel) foreign.set(pid, { name: entry.name, ticks: entry.ticks });
    }
    return { at: Date.now(), groups, machine: machineTicks(), foreign };
  }

  /** Usage between `before` and now (or `after`). */
  usage(before: CpuSnapshot, after: CpuSnapshot = this.snapshot()): CpuUsage {
    const seconds = (after.at - before.at) / 1000;
    const groups: Record<string, number> = {};
    let ours = 0;
    for (const [name, pids] of Object.entries(after.groups)) {
      // Processes that exited meanwhile are missed (their CPU ends up in `unattributed`).
      let delta = 0;
      for (const [pid, ticks] of pids) delta += ticks - (before.groups[name]?.get(pid) ?? 0);
      const used = Math.max(0, delta / TICKS_PER_SECOND);
      groups[name] = Math.round(used * 100) / 100;
      ours += used;
    }
    const machine = (after.machine.busy - before.machine.busy) / TICKS_PER_SECOND;
    const iowait = (after.machine.iowait - before.machine.iowait) / TICKS_PER_SECOND;
    const cores = fs.readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d/.test(l)).length || 1;
    const foreign = [...after.foreign]
      .map(([pid, { name, ticks }]) => ({ name, used: (ticks - (before.foreign.get(pid)?.ticks ?? 0)) / TICKS_PER_SECOND }))
      .sort((a, b) => b.used - a.used);
    const other = foreign.reduce((sum, { used }) => sum + used, 0);
    const topOther = foreign.filter(({ used }) => used >= 0.2).slice(0, 3).map(({ name, used }) => `${name} ${used.toFixed(1)} s`);
    return {
      seconds: Math.round(seconds * 10) / 10,
      groups,
      other: Math.round(other * 100) / 100,
      unattributed: Math.round(Math.max(0, machine - ours - other) * 100) / 100,
      machineBusy: seconds > 0 ? Math.round((machine / (seconds * cores)) * 100) / 100 : 0,
      iowait: seconds > 0 ? Math.round((iowait / (seconds * cores)) * 100) / 100 : 0,
      topOther,
    };
  }
}
