/** The label value every event type (or application) past the limit is reported as. */
export const OTHER_LABEL_VALUE = 'other';

/**
 * Keeps a label's values to a bounded set: the first `limit` distinct values seen pass through, every
 * later one becomes `other`. Event types are chosen by callers, so without this each new one would add a
 * series to every metric that carries it, for as long as the process runs. The set is per process and is
 * never evicted, so a value keeps its series once it has one.
 */
export class BoundedLabelValues {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a whole number >= 0, got ${limit}`);
  }

  /** The value to report for `raw`. */
  value(raw: string): string {
    if (this.seen.has(raw)) return raw;
    if (this.seen.size >= this.limit) return OTHER_LABEL_VALUE;
    this.seen.add(raw);
    return raw;
  }
}
