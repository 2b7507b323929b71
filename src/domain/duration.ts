const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `5d`, `12h`, `30m`, `10s`, `250ms` or a bare number of milliseconds.
 * @returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(raw.trim());
  return match ? Number(match[1]) * UNITS[match[2] ?? 'ms'] : undefined;
}
