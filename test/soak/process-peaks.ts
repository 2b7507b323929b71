import fs from 'node:fs';

const KB_PER_MB = 1024;

/** One `/proc/<pid>/status` or `smaps_rollup` field, in MB; 0 when the process is gone. */
function fieldMb(pid: number, file: 'status' | 'smaps_rollup', name: string): number {
  try {
    const text = fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
    return Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / KB_PER_MB;
  } catch {
    return 0;
  }
}

/** Children of `parent` (one level), from /proc. */
export function childrenOf(parent: number): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) found.push(Number(name));
    } catch {
      // ended meanwhile
    }
  }
  return found;
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
 * Samples named process groups every second for the whole soak and keeps each one's peak memory, however
 * often the processes in it are killed and started again.
 */
export class ProcessPeaks {
  private readonly peaks = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly groups: Record<string, ProcessGroup>) {
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  private sample(): void {
    for (const [name, group] of Object.entries(this.groups)) {
      let total = 0;
      for (const pid of group.pids()) {
        if (pid <= 0) continue;
        total += group.measure === 'pss' ? fieldMb(pid, 'smaps_rollup', 'Pss') || fieldMb(pid, 'status', 'VmRSS') : fieldMb(pid, 'status', 'VmRSS');
      }
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, total));
    }
  }

  /** Peak memory of each group so far, MB. */
  peak(): Record<string, number> {
    this.sample();
    return Object.fromEntries([...this.peaks].map(([name, mb]) => [name, Math.round(mb)]));
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
  }
}
