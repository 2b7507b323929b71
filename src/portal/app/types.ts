/** The API's views the portal shows (see src/api/** /*.view.ts and the OpenAPI document at /docs). */

export interface Session {
  kind: 'operator' | 'application';
  applicationId: string | null;
  temporalUiUrl: string | null;
  expiresAt: string | null;
}

export interface Application {
  id: string;
  uid: string;
  name: string;
  createdAt: string;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
}

export interface Endpoint {
  id: string;
  applicationId: string;
  url: string;
  description: string;
  eventTypes: string[] | null;
  /** The CEL filter a message must satisfy as well; null for none. */
  filter: string | null;
  headers: Record<string, string>;
  retryPolicy: RetryPolicy;
  timeoutMs: number;
  disabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  circuit: { state: 'open' | 'closed'; openedAt: string | null; consecutiveFailures: number };
  rateLimitPerSecond: number | null;
  currentRate: number | null;
  createdAt: string;
  secret?: string;
}

export interface Attempt {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode?: number;
  error?: string;
  responseBody?: string;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'dead_lettered';

export interface Delivery {
  id: string;
  applicationId: string;
  messageId: string;
  endpointId: string;
  workflowId: string;
  status: DeliveryStatus;
  parkedAt: string | null;
  createdAt: string;
  temporalUiUrl?: string;
  attempts: Attempt[];
}

export interface DeliveryLogItem {
  id: string;
  messageId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastAttempt: { attempt: number; startedAt: string; durationMs: number; statusCode?: number; error?: string } | null;
  createdAt: string;
}

export interface Message {
  id: string;
  applicationId: string;
  eventType: string;
  payload: unknown;
  createdAt: string;
  /** Endpoints subscribed to the type whose filter kept the message from them. */
  filteredOut?: number;
  deliveries: { id: string; endpointId: string; status: DeliveryStatus }[];
}

export interface MessageLogItem {
  id: string;
  eventType: string;
  createdAt: string;
  deliveries: { total: number; pending: number; succeeded: number; deadLettered: number };
}

export interface DeadLetter {
  id: string;
  deliveryId: string;
  messageId: string;
  endpointId: string;
  error: string;
  attempts: number;
  deadLetteredAt: string;
}

export interface StatsBucket {
  start: string;
  attempts: number;
  succeeded: number;
  failed: number;
  byOutcome: Record<string, number>;
  successRate: number | null;
  latencyMs: { p50: number | null; p95: number | null };
}

export interface EndpointStats {
  window: string;
  bucket: string;
  buckets: StatsBucket[];
}

/** The answer of the filter test route on a sample. */
export interface FilterSampleResult {
  matches: boolean;
  eventTypeMatches: boolean;
  filterMatches: boolean;
  filterError?: string;
}

/** The answer of the filter test route on the application's newest messages. */
export interface FilterRecentResult {
  matched: number;
  total: number;
  errors: number;
}
