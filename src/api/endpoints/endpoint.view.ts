import type { RetryPolicySettings } from '../../config';
import type { EndpointRecord } from '../../db/endpoints.repository';

/** An endpoint as the API shows it; the secret only where the caller asked for it. */
export interface EndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[] | null;
  headers: Record<string, string>;
  retryPolicy: RetryPolicySettings;
  timeoutMs: number;
  disabled: boolean;
  /** `manual`, `gone` (the receiver answered 410) or `failing` (every delivery failed for too long). */
  disabledReason: string | null;
  autoRecover: boolean;
  /** First failure since the last success; null while healthy. */
  failingSince: string | null;
  /**
   * The circuit breaker: `open` since `openedAt` after too many failed attempts in a row, while its
   * deliveries wait (parked) for a probe to succeed; `closed` otherwise.
   */
  circuit: { state: 'open' | 'closed'; openedAt: string | null; consecutiveFailures: number };
  /** Fixed limit across all workers (requests per second), or null. */
  rateLimitPerSecond: number | null;
  /** The pace it gets right now: its limit, or lower after 429s; null when unpaced. */
  currentRate: number | null;
  /** What a dead letter does to an ordered stream: `hold` it or `skip` past it. */
  orderingFailureMode: string;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}

/** Renders an endpoint; `withSecret` only on creation and the dedicated secret route. */
export function toEndpointView(endpoint: EndpointRecord, withSecret = false): EndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    headers: endpoint.headers,
    retryPolicy: endpoint.retryPolicy,
    timeoutMs: endpoint.timeoutMs,
    disabled: endpoint.disabled,
    disabledReason: endpoint.disabledReason,
    autoRecover: endpoint.autoRecover,
    failingSince: endpoint.failingSince?.toISOString() ?? null,
    circuit: {
      state: endpoint.circuitOpenedAt ? 'open' : 'closed',
      openedAt: endpoint.circuitOpenedAt?.toISOString() ?? null,
      consecutiveFailures: endpoint.consecutiveFailures,
    },
    rateLimitPerSecond: endpoint.rateLimitPerSecond,
    currentRate: endpoint.currentRate,
    orderingFailureMode: endpoint.orderingFailureMode,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
    ...(withSecret ? { secret: endpoint.secret } : {}),
  };
}
