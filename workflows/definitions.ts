/**
 * What workflows, activities, the worker and the API agree on: inputs, signals, queries, search
 * attributes, failure types and workflow IDs. Pure definitions, safe inside the workflow sandbox.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Retry schedule of one endpoint, in milliseconds. */
export interface DeliveryRetryPolicy {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs: number;
}

/**
 * The delay Temporal schedules after attempt `attempt` (1-based) of a delivery: `initial × coefficient^(attempt-1)`,
 * capped at the maximum interval. The workflow waits it out itself after a first attempt that ran alone, and
 * `Retry-After` is clamped against it.
 */
export function scheduledDelayMs(policy: DeliveryRetryPolicy, attempt: number): number {
  return Math.min(policy.maxIntervalMs, policy.initialIntervalMs * policy.backoffCoefficient ** (attempt - 1));
}

/** What the schedule still has to wait from the delay after attempt `from` on: the delays before each attempt to come. */
export function scheduleLeftMs(policy: DeliveryRetryPolicy, from: number): number {
  let total = 0;
  for (let attempt = Math.max(1, from); attempt < policy.maxAttempts; attempt += 1) total += scheduledDelayMs(policy, attempt);
  return total;
}

/**
 * Everything a delivery needs that must not change between attempts. Secrets and the payload stay in
 * PostgreSQL: each attempt reads the payload by `messageId`, so a workflow's history stays a few KiB
 * whatever the payload's size (Temporal refuses inputs over 2 MiB; the API accepts up to 16 MiB).
 */
export interface DeliveryInput {
  deliveryId: string;
  messageId: string;
  endpointId: string;
  /** The endpoint's application: with the endpoint, the key Temporal dispatches the delivery's tasks fairly by. */
  applicationId?: string;
  eventType: string;
  /** ISO-8601 time the message was accepted; the body's `timestamp`. */
  messageTimestamp: string;
  retryPolicy: DeliveryRetryPolicy;
  timeoutMs: number;
  /** Attempts made by earlier activity executions of this run (a rate-limit pause starts a new one). */
  attemptOffset?: number;
  /** A rate-limit slot reserved earlier (epoch ms): the first attempt waits for it instead of reserving. */
  reservedSlotAt?: number;
  /** Set for a message with an ordering key: the delivery tells its stream when it is done. */
  orderingKey?: string;
  /**
   * This run's first attempt goes ahead even though the endpoint's circuit is open: as the circuit's probe,
   * or as a dead letter someone retried. Parked again if it fails with attempts left.
   */
  circuitBypass?: 'probe';
  /** Attempts made by earlier runs: a delivery run again after parking continues its schedule there. */
  attemptsBefore?: number;
}

/** What one successful HTTP attempt reports back to the workflow. */
export interface AttemptSuccess {
  attempt: number;
  statusCode: number;
  durationMs: number;
  /** False when PostgreSQL could not take the record; the workflow then records it durably. */
  recorded: boolean;
  startedAt: string;
}

/** Details carried by a failed attempt's ApplicationFailure (its `type` is the reason code). */
export interface AttemptFailureDetails {
  attempt: number;
  reason: string;
  statusCode?: number;
  /** The delay the receiver's `Retry-After` set before the next attempt, already clamped to the policy. */
  retryAfterMs?: number;
  /** With reason `rate_limited`: when the reserved slot comes (epoch ms) and how long until then. */
  slotAt?: number;
  waitMs?: number;
  /** The endpoint's circuit is open and the delivery is parked: the run closes, PostgreSQL keeps it. */
  parked?: boolean;
}

/** What a delivery workflow reports when it gives up: its dead letter. */
export interface DeadLetterEntry {
  deliveryId: string;
  messageId: string;
  endpointId: string;
  eventType: string;
  workflowId: string;
  /** The run that dead-lettered it. */
  runId?: string;
  error: string;
  attempts: number;
}

/** How a delivery workflow ended, when it ended well. */
export interface DeliveryResult {
  status: 'succeeded';
  attempts: number;
  statusCode: number;
}

/** Settings of a dead-letter workflow, from the configuration of whoever started it. */
export interface DeadLetterSettings {
  /** Pause between two redriven dead letters, so a recovering receiver is not flooded. */
  redriveIntervalMs: number;
}

/** A place in an endpoint's dead-letter queue (PostgreSQL's order): after this dead letter. */
export interface DeadLetterCursor {
  /** ISO-8601 with microseconds. */
  deadLetteredAt: string;
  id: string;
}

/** Asks the dead-letter workflow to retry the endpoint's open dead letters, oldest first, paced. */
export interface RedriveRequest {
  /** True when a successful delivery asked (auto-recovery): each dead letter is then retried once only, ever. */
  automatic: boolean;
}

/** A redrive under way: what it retries, and how far through the queue it is. */
export interface RedrivePass extends RedriveRequest {
  /** The last dead letter it retried; absent before the first. */
  cursor?: DeadLetterCursor;
}

/**
 * State a dead-letter workflow carries across continue-as-new: never the queue itself, which lives in
 * PostgreSQL, only a cursor into it, so the input stays this small whatever the queue's size.
 */
export interface DeadLetterWorkflowInput {
  endpointId: string;
  settings: DeadLetterSettings;
  /** The redrive under way when the previous run continued as new. */
  pass?: RedrivePass;
  /** The redrive asked for while that one ran. */
  queued?: RedriveRequest;
}

/** One page of a redrive: retry up to `limit` dead letters after `after`, `intervalMs` apart. */
export interface RedrivePageRequest {
  endpointId: string;
  automatic: boolean;
  after?: DeadLetterCursor;
  limit: number;
  intervalMs: number;
}

/** What one page of a redrive did. */
export interface RedrivePageResult {
  /** Dead letters it retried (or found resolved, or could not retry). */
  retried: number;
  /** The last of them; absent when there were none. */
  cursor?: DeadLetterCursor;
  /** Whether the queue may hold more after the cursor. */
  more: boolean;
}

/** What retrying one dead letter did. */
export type DeadLetterRetryOutcome = 'started' | 'running' | 'resolved' | 'skipped';

/** Kinds of operational alert. */
export type AlertKind = 'first_dead_letter' | 'dead_letter_threshold' | 'endpoint_disabled' | 'circuit_opened';

/** An operational alert: logged always, POSTed to `HOOKWAY_ALERT_URL` when set. */
export interface OperationalAlert {
  /** Unique per alert; becomes the alert webhook's `webhook-id`. */
  id: string;
  kind: AlertKind;
  endpointId: string;
  message: string;
  openDeadLetters?: number;
}

/**
 * The endpoint's queue changed in a way its dead-letter workflow should look at: its first dead letter
 * opened (signal-with-start), or it may have emptied.
 */
export const deadLetterQueueChangedSignal = defineSignal('queueChanged');
/** Retry the open dead letters. */
export const redriveSignal = defineSignal<[RedriveRequest]>('redrive');
/** The redrive under way and the one asked for after it, if any (the queue itself: `GET /v1/dead-letters`). */
export const redriveStateQuery = defineQuery<{ pass: RedrivePass | null; queued: RedriveRequest | null }>('redriveState');

/** An ordered stream: one endpoint's deliveries of messages with one ordering key. */
export interface OrderedStreamInput {
  endpointId: string;
  orderingKey: string;
}

/** What one step of an ordered stream found, and did. */
export type StreamStep =
  | { state: 'idle' }
  | { state: 'delivering'; sequence: number; messageId: string; workflowId: string }
  /** The previous delivery is done in PostgreSQL but its workflow has not closed yet. */
  | { state: 'finishing'; sequence: number; messageId: string; workflowId: string }
  | { state: 'blocked'; sequence: number; messageId: string; workflowId: string; deadLetterId: string };

/** Something in the stream changed (a message joined, a delivery ended, a dead letter was retried or discarded). */
export const streamChangedSignal = defineSignal('streamChanged');
/** What the stream is doing now. */
export const streamStepQuery = defineQuery<StreamStep | null>('streamStep');

/** An endpoint's circuit workflow: probes while the circuit is open, then releases the parked deliveries. */
export interface EndpointCircuitInput {
  endpointId: string;
  /** Wait before the next probe; grows by `backoffCoefficient` up to `maxProbeIntervalMs`. */
  probeIntervalMs: number;
  backoffCoefficient: number;
  maxProbeIntervalMs: number;
  /** Parked deliveries released per second once the circuit closes. */
  releasePerSecond: number;
}

/** What one step of a circuit workflow found, and did. */
export type CircuitStep =
  | {
      state: 'open';
      probedWorkflowId: string | null;
      /** Parked deliveries whose schedule ran out, dead-lettered by this step. */
      expired: number;
      /** Until the next parked delivery's schedule runs out (null when none is parked). */
      nextExpiryInMs: number | null;
      /** Dead letters holding queue alerts to send (see the `sendQueueAlerts` activity). */
      alertIds?: string[];
    }
  | {
      state: 'closed';
      released: number;
      /**
       * The most this step could release: below the batch when Temporal's task queue had little room, 0
       * when it had none. Parked deliveries may remain whenever `released` reaches it.
       */
      limit?: number;
      alertIds?: string[];
    };

/** The circuit opened, or a success closed it: the circuit workflow looks again now. */
export const circuitChangedSignal = defineSignal('circuitChanged');

/** Search attributes every delivery workflow carries, so the Web UI can filter by them. */
export const EndpointIdSearchAttribute = defineSearchAttributeKey('EndpointId', SearchAttributeType.KEYWORD);
export const EventTypeSearchAttribute = defineSearchAttributeKey('EventType', SearchAttributeType.KEYWORD);
export const MessageIdSearchAttribute = defineSearchAttributeKey('MessageId', SearchAttributeType.KEYWORD);
export const ApplicationIdSearchAttribute = defineSearchAttributeKey('ApplicationId', SearchAttributeType.KEYWORD);
export const HOOKWAY_SEARCH_ATTRIBUTES = [
  ApplicationIdSearchAttribute,
  EndpointIdSearchAttribute,
  EventTypeSearchAttribute,
  MessageIdSearchAttribute,
] as const;

/**
 * The fairness key of a delivery's workflow and activity tasks: the application and the endpoint inside it.
 * Temporal keys fairness by one string, so an application's backlog on one endpoint shares the queue with
 * every other endpoint, of its own application or another's (docs/delivery-semantics.md, "Fairness").
 * Histories recorded before applications lack the field: they belong to the default application.
 */
export function deliveryFairnessKey(input: Pick<DeliveryInput, 'applicationId' | 'endpointId'>): string {
  return `${input.applicationId ?? DEFAULT_APPLICATION_ID}:${input.endpointId}`;
}

/** The application of every install before applications existed (src/domain/applications.ts). */
export const DEFAULT_APPLICATION_ID = 'app_default';

/** ApplicationFailure type of a delivery workflow that ended in the dead-letter queue. */
export const DEAD_LETTERED_FAILURE_TYPE = 'DeliveryDeadLettered';
/** ApplicationFailure type of an attempt that must wait for its endpoint's rate limit (no request made). */
export const RATE_LIMITED_FAILURE_TYPE = 'rate_limited';
/** ApplicationFailure type of an attempt not made because the endpoint's circuit is open. */
export const CIRCUIT_OPEN_FAILURE_TYPE = 'circuit_open';
/** ApplicationFailure type of a delivery run that closed parked behind its endpoint's open circuit. */
export const PARKED_FAILURE_TYPE = 'DeliveryParked';
/** ApplicationFailure type of an attempt whose endpoint was deleted meanwhile. */
export const ENDPOINT_GONE_FAILURE_TYPE = 'endpoint_deleted';
/** ApplicationFailure type of an attempt whose message is no longer stored (nothing to send). */
export const MESSAGE_GONE_FAILURE_TYPE = 'message_deleted';

/**
 * The delivery's workflow ID, and so its idempotency key: one per (endpoint, message). Endpoint IDs never
 * contain `-`, so the ID splits back unambiguously.
 */
export function deliveryWorkflowId(endpointId: string, messageId: string): string {
  return `delivery-${endpointId}-${messageId}`;
}

/** The ID of the workflow that delivers an (endpoint, ordering key) stream in order. */
export function orderedStreamWorkflowId(endpointId: string, orderingKey: string): string {
  return `ordered-${endpointId}-${orderingKey}`;
}

/** The ID of the workflow that probes an endpoint whose circuit is open and releases its parked deliveries. */
export function circuitWorkflowId(endpointId: string): string {
  return `circuit-${endpointId}`;
}

/** The ID of an endpoint's long-lived dead-letter workflow. */
export function deadLetterWorkflowId(endpointId: string): string {
  return `dead-letters-${endpointId}`;
}

/** What a retention run deletes, in this order: dead letters first, so they no longer hold messages back. */
export const RETENTION_STAGES = ['dead_letters', 'messages', 'streams'] as const;
/** One kind of row a retention run deletes. */
export type RetentionStage = (typeof RETENTION_STAGES)[number];

/** Where a paged deletion goes on from (the key of the last row looked at), as the activity reports it. */
export type RetentionCursor = string[] | undefined;

/** What one batch reports back. */
export interface RetentionBatchResult {
  deleted: number;
  cursor: RetentionCursor;
  done: boolean;
}
