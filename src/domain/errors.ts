/** A request field that cannot be accepted. `field` is its path, e.g. `retryPolicy.maxAttempts`. */
export class InvalidFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidFieldError';
  }
}

/** A resource that does not exist (or no longer does). */
export class NotFoundError extends Error {
  constructor(
    readonly resource: 'application' | 'endpoint' | 'message' | 'delivery' | 'dead_letter' | 'ordering_key' | 'token' | 'event_type',
    readonly id: string,
  ) {
    super(`${resource.replace('_', ' ')} ${id} not found`);
    this.name = 'NotFoundError';
  }
}

/** A dependency (PostgreSQL, Temporal) that did not answer, so the request could not be kept. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'postgres' | 'temporal',
    override readonly cause: unknown,
  ) {
    super(`${dependency} is unavailable; nothing was accepted, retry later`);
    this.name = 'DependencyUnavailableError';
  }
}

/** The request conflicts with the resource's state, e.g. retrying a dead letter that was resolved. */
export class ConflictError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The caller is known, but its token may not use this route (an application token on an operator route). */
export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/**
 * A request refused (400) for a reason with its own code rather than a malformed field, e.g.
 * `invalid_payload` (naming where in the payload), `unknown_event_type` or `event_type_archived`.
 */
export class RefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}
