import { InvalidFieldError } from '../../domain/errors';
import type { DeliveryStatus } from '../../db/deliveries.repository';

// A calendar date with a time and an explicit offset (`Z` or `±hh:mm`): a timestamp without one would be
// read in the server's zone, which a client cannot know.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The statuses a delivery can be in, as `status` filters take them. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'dead_lettered'];

/**
 * Reads an ISO-8601 timestamp query value such as `2026-01-15T09:30:00Z`; undefined when absent.
 * @throws InvalidFieldError naming `field` when it is not one.
 */
export function parseInstant(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = ISO_INSTANT.test(value) ? new Date(value) : undefined;
  // Date rolls 2026-02-30 over into March; a value that does not print back to its own date is refused.
  if (!at || Number.isNaN(at.getTime()) || !sameCalendarDate(value, at)) {
    throw new InvalidFieldError(field, `${field} must be an ISO-8601 timestamp with an offset, like 2026-01-15T09:30:00Z`);
  }
  return at;
}

function sameCalendarDate(value: string, at: Date): boolean {
  const offset = /(Z|([+-])(\d{2}):(\d{2}))$/.exec(value);
  const minutes = !offset || offset[1] === 'Z' ? 0 : (offset[2] === '-' ? -1 : 1) * (Number(offset[3]) * 60 + Number(offset[4]));
  const local = new Date(at.getTime() + minutes * 60_000);
  return local.toISOString().slice(0, 16) === value.slice(0, 16);
}

/**
 * Reads the `since` (inclusive) and `until` (exclusive) bounds of a list.
 * @throws InvalidFieldError naming the field that is not a timestamp, or `until` when it is not after `since`.
 */
export function parseTimeRange(since: string | undefined, until: string | undefined): { since?: Date; until?: Date } {
  const range = { since: parseInstant('since', since), until: parseInstant('until', until) };
  if (range.since && range.until && range.until <= range.since) throw new InvalidFieldError('until', 'until must be later than since');
  return range;
}

/**
 * Reads a `status` filter; undefined when absent.
 * @throws InvalidFieldError naming `status` unless it is pending, succeeded or dead_lettered.
 */
export function parseDeliveryStatus(value: string | undefined): DeliveryStatus | undefined {
  if (value === undefined) return undefined;
  if (!(DELIVERY_STATUSES as readonly string[]).includes(value)) throw new InvalidFieldError('status', `status must be one of ${DELIVERY_STATUSES.join(', ')}`);
  return value as DeliveryStatus;
}

/**
 * Reads an optional text filter such as `eventType`.
 * @throws InvalidFieldError naming `field` when it is empty or longer than 256 characters.
 */
export function parseTextFilter(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || value.includes('\u0000')) {
    throw new InvalidFieldError(field, `${field} must be one non-empty string of at most 256 characters`);
  }
  return value;
}
