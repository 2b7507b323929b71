import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabelValues } from './bounded-labels';

/** One attempt's outcome as the activity classified it: the kind of its verdict (AttemptVerdict). */
export type AttemptKind = 'success' | 'retryable' | 'permanent';

// From a few milliseconds (a receiver on the LAN) to the hours a retry schedule can take.
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400];
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Which labels the delivery metrics carry, so their series stay bounded. */
export interface DeliveryMetricsOptions {
  /** Distinct `event_type` values reported; later ones become `other`. @default 50 */
  eventTypes?: number;
  /** False drops the `endpoint_id` label everywhere (one series instead of one per endpoint). @default true */
  perEndpoint?: boolean;
  /** Distinct `application_id` values reported; later ones become `other`. @default 50 */
  applications?: number;
}

/** Whose delivery a metric counts: the endpoint and its application. */
export interface MetricTarget {
  endpointId: string;
  applicationId: string;
}

type Labels = Record<string, string>;

/**
 * The delivery metrics of one process, in its own registry. Labels are `application_id` (a bounded set, see
 * {@link BoundedLabelValues}), `endpoint_id` (unless turned off) and `event_type` (bounded too) where they
 * make sense; every other label takes values from a fixed set of codes.
 */
export class DeliveryMetrics {
  readonly registry = new Registry();
  private readonly perEndpoint: boolean;
  private readonly eventTypes: BoundedLabelValues;
  private readonly applications: BoundedLabelValues;
  private readonly deliveries: Counter;
  private readonly attempts: Counter;
  private readonly firstAttemptSuccesses: Counter;
  private readonly latency: Histogram;
  private readonly attemptDuration: Histogram;
  private readonly workflowStarts: Counter;
  private readonly filterErrors: Counter;

  constructor(options: DeliveryMetricsOptions = {}) {
    this.perEndpoint = options.perEndpoint ?? true;
    this.eventTypes = new BoundedLabelValues(options.eventTypes ?? 50);
    this.applications = new BoundedLabelValues(options.applications ?? 50);
    const withEndpoint = (...names: string[]): string[] => ['application_id', ...names, ...(this.perEndpoint ? ['endpoint_id'] : [])];
    const registers = [this.registry];
    this.deliveries = new Counter({
      name: 'hookway_deliveries_total',
      help: 'Deliveries that ended: succeeded, or dead_lettered once their attempts ran out or failed permanently.',
      labelNames: withEndpoint('outcome', 'event_type'),
      registers,
    });
    this.attempts = new Counter({
      name: 'hookway_delivery_attempts_total',
      help: 'HTTP attempts by result (success, retryable, permanent) and reason code (http_503, timeout, ...).',
      labelNames: withEndpoint('result', 'reason'),
      registers,
    });
    this.firstAttemptSuccesses = new Counter({
      name: 'hookway_deliveries_first_attempt_success_total',
      help: 'Deliveries that succeeded at their first attempt.',
      labelNames: withEndpoint('event_type'),
      registers,
    });
    this.latency = new Histogram({
      name: 'hookway_delivery_latency_seconds',
      help: 'From the message being accepted to the 2xx that delivered it, retries included.',
      labelNames: withEndpoint('event_type'),
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'hookway_attempt_duration_seconds',
      help: 'Duration of one HTTP attempt, whatever its outcome.',
      labelNames: withEndpoint(),
      buckets: ATTEMPT_BUCKETS,
      registers,
    });
    this.filterErrors = new Counter({
      name: 'hookway_filter_errors_total',
      help: 'Messages an endpoint filter failed on (a missing field, a wrong type): counted as not matching, so not delivered to that endpoint.',
      labelNames: ['application_id'],
      registers,
    });
    this.workflowStarts = new Counter({
      name: 'hookway_delivery_workflow_starts_total',
      help: 'Delivery workflows this process started, by whether Temporal handed their first task straight back to its worker (eager="true").',
      labelNames: ['eager'],
      registers,
    });
  }

  // The application and endpoint part of a label set: without the endpoint when per-endpoint series are off.
  private target({ endpointId, applicationId }: MetricTarget): Labels {
    const application = { application_id: this.applications.value(applicationId) };
    return this.perEndpoint ? { ...application, endpoint_id: endpointId } : application;
  }

  /** Counts one HTTP attempt. */
  attempt(target: MetricTarget, result: AttemptKind, reason: string, durationMs: number): void {
    const labels = this.target(target);
    this.attempts.inc({ result, reason, ...labels });
    this.attemptDuration.observe(labels, durationMs / 1000);
  }

  /** Counts a delivery that succeeded, at attempt `attempt`, `latencyMs` after its message was accepted. */
  delivered(target: MetricTarget, eventType: string, attempt: number, latencyMs: number): void {
    const labels = { event_type: this.eventTypes.value(eventType), ...this.target(target) };
    this.deliveries.inc({ outcome: 'succeeded', ...labels });
    if (attempt === 1) this.firstAttemptSuccesses.inc(labels);
    this.latency.observe(labels, Math.max(0, latencyMs) / 1000);
  }

  /** Counts a message an endpoint's filter failed on (and so did not match). */
  filterFailed(applicationId: string): void {
    this.filterErrors.inc({ application_id: this.applications.value(applicationId) });
  }

  /** Counts a delivery workflow this process started, and whether it started eagerly on its own worker. */
  workflowStarted(eager: boolean): void {
    this.workflowStarts.inc({ eager: String(eager) });
  }

  /** Counts a delivery that ended in the dead-letter queue. */
  deadLettered(target: MetricTarget, eventType: string): void {
    this.deliveries.inc({ outcome: 'dead_lettered', event_type: this.eventTypes.value(eventType), ...this.target(target) });
  }

  /**
   * Adds `hookway_dead_letters`, the current queue size per endpoint, read from PostgreSQL at each scrape
   * (so every API instance reports the same truth; aggregate it with max, not sum).
   */
  exposeDeadLetterQueue(count: () => Promise<{ endpointId: string; open: number }[]>): void {
    this.perEndpointGauge('hookway_dead_letters', 'Open dead letters per endpoint, right now.', async () =>
      (await count()).map(({ endpointId, open }) => ({ endpointId, value: open })),
    );
  }

  /**
   * Adds `hookway_circuit_open` (1 per endpoint whose circuit is open) and `hookway_parked_deliveries`
   * (deliveries waiting behind it), read from PostgreSQL at each scrape like the dead-letter queue.
   */
  exposeCircuits(read: () => Promise<{ endpointId: string; open: boolean; parked: number }[]>): void {
    // prom-client collects every metric of a scrape at once, so both gauges share the one read in flight.
    let inFlight: ReturnType<typeof read> | undefined;
    const readOnce = (): ReturnType<typeof read> =>
      (inFlight ??= read().finally(() => {
        inFlight = undefined;
      }));
    this.perEndpointGauge('hookway_circuit_open', 'Endpoints whose circuit is open (1 each; their count without per-endpoint series), right now.', async () =>
      (await readOnce()).filter((c) => c.open).map(({ endpointId }) => ({ endpointId, value: 1 })),
    );
    this.perEndpointGauge('hookway_parked_deliveries', 'Deliveries parked behind an open circuit, per endpoint, right now.', async () =>
      (await readOnce()).filter((c) => c.parked > 0).map(({ endpointId, parked }) => ({ endpointId, value: parked })),
    );
  }

  /**
   * Adds `hookway_outbox_pending`: accepted deliveries whose workflow (or stream wake) is not yet started,
   * read from PostgreSQL at each scrape. It grows while Temporal is away and returns to 0 once the outbox
   * has drained.
   */
  exposeOutbox(count: () => Promise<number>): void {
    new Gauge({
      name: 'hookway_outbox_pending',
      help: 'Accepted deliveries not yet handed to Temporal (the outbox backlog), right now.',
      registers: [this.registry],
      async collect() {
        this.set(await count());
      },
    });
  }

  // A gauge per endpoint whose series are replaced by a fresh read at each scrape; one total without
  // per-endpoint series.
  private perEndpointGauge(name: string, help: string, read: () => Promise<{ endpointId: string; value: number }[]>): void {
    const perEndpoint = this.perEndpoint;
    new Gauge({
      name,
      help,
      labelNames: perEndpoint ? ['endpoint_id'] : [],
      registers: [this.registry],
      async collect() {
        const values = await read();
        this.reset();
        if (!perEndpoint) this.set(values.reduce((sum, { value }) => sum + value, 0));
        else for (const { endpointId, value } of values) this.set({ endpoint_id: endpointId }, value);
      },
    });
  }
}
