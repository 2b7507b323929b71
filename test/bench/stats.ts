/** Percentiles of a sample, in the sample's unit (ms here), rounded to 0.1. */
export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

/** Nearest-rank percentiles; all zero for an empty sample. */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return { count: sorted.length, p50: round1(rank(0.5)), p95: round1(rank(0.95)), p99: round1(rank(0.99)), max: round1(sorted[sorted.length - 1]) };
}

/** `count` events over `ms` milliseconds, per second, rounded to 0.1. */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? round1((count * 1000) / ms) : 0;
}

/** `a / b` rounded to 3 decimals, or null when `b` is 0. */
export function ratio(a: number, b: number): number | null {
  return b > 0 ? Math.round((a / b) * 1000) / 1000 : null;
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
