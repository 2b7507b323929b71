/** The dead-letter workflow's decisions, as pure functions. */
import type { RedrivePass, RedriveRequest } from './definitions';

/** Most dead letters one redrive page retries: one PostgreSQL page, one activity. */
export const REDRIVE_PAGE_SIZE = 100;
/** About how long one page may spend pacing, so an activity never holds a worker slot for long. */
export const REDRIVE_PAGE_PACING_MS = 10_000;

/**
 * What is queued after `request` arrives while `running` is under way and `queued` waits. An automatic
 * request adds nothing to a redrive that runs or waits already; an operator's request always gets a full
 * pass, after the one under way, and stands in for an automatic one that waited.
 */
export function queueRedrive(queued: RedriveRequest | undefined, running: RedrivePass | undefined, request: RedriveRequest): RedriveRequest | undefined {
  if (request.automatic) return running || queued ? queued : { automatic: true };
  return { automatic: false };
}

/**
 * How many dead letters one page retries, `intervalMs` apart: as many as fit in about
 * {@link REDRIVE_PAGE_PACING_MS} of pacing, at least one and at most {@link REDRIVE_PAGE_SIZE}. Slow
 * paces thus get one per page, paced by the workflow's durable timer between pages.
 */
export function redrivePageSize(intervalMs: number): number {
  if (intervalMs <= 0) return REDRIVE_PAGE_SIZE;
  return Math.max(1, Math.min(REDRIVE_PAGE_SIZE, Math.floor(REDRIVE_PAGE_PACING_MS / intervalMs)));
}
