/**
 * Subscription patterns: an exact event type, or a prefix ending in `.*` that takes every type under it
 * (`invoice.*` takes `invoice.paid` and `invoice.line.added`, not `invoice` itself).
 */

/** An event type, or one followed by `.*`; the prefix keeps the event-type alphabet and 256 characters in all. */
export const SUBSCRIPTION_PATTERN = /^(?:[A-Za-z0-9_.:-]{1,256}|[A-Za-z0-9_.:-]{1,254}\.\*)$/;

/** True for a pattern ending in `.*`. */
export function isWildcard(pattern: string): boolean {
  return pattern.endsWith('.*');
}

/** True when `pattern` takes messages of `eventType`. */
export function patternMatches(pattern: string, eventType: string): boolean {
  if (!isWildcard(pattern)) return pattern === eventType;
  const prefix = pattern.slice(0, -1);
  return eventType.length > prefix.length && eventType.startsWith(prefix);
}

/** True when an endpoint subscribed to `patterns` (null: every type) takes messages of `eventType`. */
export function subscriptionMatches(patterns: readonly string[] | null, eventType: string): boolean {
  return patterns === null || patterns.some((pattern) => patternMatches(pattern, eventType));
}
