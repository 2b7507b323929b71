import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const KB_PER_MB = 1024;
// Clock ticks per second of /proc CPU times; 100 on practically every Linux, asked once to be sure.
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** Resident memory of a process from /proc/<pid>/status, in MB: now (VmRSS) and its peak so far (VmHWM). */
export function readRss(pid: number): { rssMb: number; hwmMb: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) / KB_PER_MB;
    return { rssMb: field('VmRSS'), hwmMb: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Samples the RSS of named processes every 200 ms and keeps each one's peak since the last
 * {@link RssSampler.mark}, so a phase can report "peak memory while 10,000 were waiting".
 */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pids: Record<string, number>) {
    this.timer = setInterval(() => this.sample(), 200);
    this.timer.unref();
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const rss = readRss(pid)?.rssMb ?? 0;
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, rss));
    }
  }

  /** Starts a new window: peaks are measured from now. */
  mark(): void {
    this.peaks.clear();
    this.sample();
  }

  /** Peak RSS (MB) of each process since the last mark. */
  peak(): Record<string, number> {
    this.sample();
    return Object.fromEntries([...this.peaks].map(([name, mb]) => [name, Math.round(mb)]));
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
  }
}

interface ProcEntry {
  ppid: number;
  ticks: number;
  /** The command name (`comm`), to name foreign CPU users. */
  name: string;
  /** A kernel thread (child of kthreadd): its CPU is the kernel's, often our own I/O being written back. */
  kernel: boolean;
}

function readProcesses(): Map<number, ProcEntry> {
  const processes = new Map<number, ProcEntry>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(fields[1]);
      processes.set(Number(name), { ppid, ticks: Number(fields[11]) + Number(fields[12]), name: comm, kernel: name === '2' || ppid === 2 });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return processes;
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
    const processes = readProcesses();
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
