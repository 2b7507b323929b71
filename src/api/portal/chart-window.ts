import { parseDuration } from '../../domain/duration';
import { InvalidFieldError } from '../../domain/errors';

/** The longest window a chart covers: seven days. */
export const MAX_CHART_WINDOW_MS = 7 * 86_400_000;
/** The narrowest bucket: one minute. */
export const MIN_CHART_BUCKET_MS = 60_000;
/** The widest bucket: one day. */
export const MAX_CHART_BUCKET_MS = 86_400_000;
/** The most buckets one chart has. */
export const MAX_CHART_BUCKETS = 500;

/** A chart's span: `buckets` buckets of `bucketMs`, covering at least `windowMs`. */
export interface ChartWindow {
  windowMs: number;
  bucketMs: number;
  buckets: number;
}

/**
 * Reads the `window` and `bucket` query parameters (durations like `24h`, `1h`, `7d`, `5m`).
 * @throws InvalidFieldError naming `window` (not a duration, or over 7 days) or `bucket` (not whole
 * seconds from 1 minute to 1 day, or more than 500 buckets in the window).
 */
export function parseChartWindow(window = '24h', bucket = '1h'): ChartWindow {
  const windowMs = parseDuration(window);
  if (windowMs === undefined || windowMs <= 0 || windowMs > MAX_CHART_WINDOW_MS) {
    throw new InvalidFieldError('window', 'window must be a duration like 1h, 24h or 7d, at most 7d');
  }
  const bucketMs = parseDuration(bucket);
  if (bucketMs === undefined || bucketMs < MIN_CHART_BUCKET_MS || bucketMs > MAX_CHART_BUCKET_MS || bucketMs % 1000 !== 0) {
    throw new InvalidFieldError('bucket', 'bucket must be a whole number of seconds from 1m to 1d, like 5m or 1h');
  }
  const buckets = Math.ceil(windowMs / bucketMs);
  if (buckets > MAX_CHART_BUCKETS) {
    throw new InvalidFieldError('bucket', `bucket is too narrow for the window: ${buckets} buckets, at most ${MAX_CHART_BUCKETS}`);
  }
  return { windowMs, bucketMs, buckets };
}
