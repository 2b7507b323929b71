import { InvalidFieldError } from '../../domain/errors';

/** Items per page when `limit` is not given, and at most. */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 100;

/** One page of a list: at most `limit` items, after the item whose id is `after` (from the first without). */
export interface PageQuery {
  limit: number;
  after?: string;
}

/**
 * Reads a list's `limit` (1–100, default 50) and `after` (the last id of the previous page): every list of
 * the API pages this one way.
 * @throws InvalidFieldError naming `limit` when it is not a whole number in range, or `after` when it is not one id.
 */
export function parsePage(limit: string | undefined, after: string | undefined): PageQuery {
  // A repeated parameter arrives as an array, whatever the signature says.
  if (after !== undefined && (typeof after !== 'string' || after.length === 0)) throw new InvalidFieldError('after', 'after must be one id');
  if (limit === undefined) return { limit: DEFAULT_PAGE_LIMIT, after };
  const value = Number(limit);
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw new InvalidFieldError('limit', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return { limit: value, after };
}
