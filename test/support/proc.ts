import fs from 'node:fs';

const KB_PER_MB = 1024;

/** One `kB` field of `/proc/<pid>/status` or `smaps_rollup`, in MB; undefined when the process is gone. */
export function procFieldMb(pid: number, file: 'status' | 'smaps_rollup', name: string): number | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
    return Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / KB_PER_MB;
  } catch {
    return undefined;
  }
}

/** A process as `/proc/<pid>/stat` shows it. */
export interface ProcEntry {
  ppid: number;
  /** User plus system CPU time, in clock ticks. */
  ticks: number;
  /** The command name (`comm`), to name foreign CPU users. */
  name: string;
  /** A kernel thread (child of kthreadd): its CPU is the kernel's, often our own I/O being written back. */
  kernel: boolean;
}

/** Every process on the machine, by pid. */
export function listProcesses(): Map<number, ProcEntry> {
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

/** Children of `parent` (one level). */
export function childrenOf(parent: number): number[] {
  return [...listProcesses()].filter(([, entry]) => entry.ppid === parent).map(([pid]) => pid);
}

/** How a group's pids are found at each sample (they change when a process is restarted) and how it is measured. */
export interface ProcessGroup {
  pids: () => number[];
  /**
   * `rss`: the sum of resident sets (right for single processes). `pss`: the sum of proportional sets, so
   * memory the processes share (PostgreSQL's shared buffers) counts once.
   */
  measure: 'rss' | 'pss';
}

/**
 * Samples named process groups and keeps each one's peak memory since the last {@link MemoryPeaks.mark}
 * (a benchmark phase's "peak while 10,000 were waiting"), however often the processes in a group are
 * killed and started again (a soak's whole run).
 */
export class MemoryPeaks {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly groups: Record<string, ProcessGroup>,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const [name, group] of Object.entries(this.groups)) {
      let total = 0;
      for (const pid of group.pids()) {
        if (pid <= 0) continue;
        const rss = procFieldMb(pid, 'status', 'VmRSS') ?? 0;
        total += group.measure === 'pss' ? procFieldMb(pid, 'smaps_rollup', 'Pss') || rss : rss;
      }
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, total));
    }
  }

  /** Starts a new window: peaks are measured from now. */
  mark(): void {
    this.peaks.clear();
    this.sample();
  }

  /** Peak memory of each group in the window, MB. */
  peak(): Record<string, number> {
    this.sample();
    return Object.fromEntries([...this.peaks].map(([name, mb]) => [name, Math.round(mb)]));
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
  }
}
