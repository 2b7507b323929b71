import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One attempt's outcome, as the activity classified it. */
export type AttemptResult = 'success' | 'retryable' | 'permanent';

// From a few milliseconds (a receiver on the LAN) to the hours a retry schedule can take.
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400];
const ATTEMPT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The delivery metrics of one process, in its own registry. Labels are `endpoint_id` and `event_type`
 * where they make sense (one series per endpoint: fine for thousands, not millions, of endpoints).
 */
export class DeliveryMetrics {
  readonly registry = new Registry();
  private readonly deliveries = new Counter({
    name: 'hookway_deliveries_total',
    help: 'Deliveries that ended: succeeded, or dead_lettered once their attempts ran out or failed permanently.',
    labelNames: ['outcome', 'endpoint_id', 'event_type'] as const,
    registers: [this.registry],
  });
  private readonly attempts = new Counter({
    name: 'hookway_delivery_attempts_total',
    help: 'HTTP attempts by result (success, retryable, permanent) and reason code (http_503, timeout, ...).',
    labelNames: ['result', 'reason', 'endpoint_id'] as const,
    registers: [this.registry],
  });
  private readonly firstAttemptSuccesses = new Counter({
    name: 'hookway_deliveries_first_attempt_success_total',
    help: 'Deliveries that succeeded at their first attempt.',
    labelNames: ['endpoint_id', 'event_type'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'hookway_delivery_latency_seconds',
    help: 'From the message being accepted to the 2xx that delivered it, retries included.',
    labelNames: ['endpoint_id', 'event_type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly attemptDuration = new Histogram({
    name: 'hookway_attempt_duration_seconds',
    help: 'Duration of one HTTP attempt, whatever its outcome.',
    labelNames: ['endpoint_id'] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [this.registry],
  });

  /** Counts one HTTP attempt. */
  attempt(endpointId: string, result: AttemptResult, reason: string, durationMs: number): void {
    this.attempts.inc({ result, reason, endpoint_id: endpointId });
    this.attemptDuration.observe({ endpoint_id: endpointId }, durationMs / 1000);
  }

  /** Counts a delivery that succeeded, at attempt `attempt`, `latencyMs` after its message was accepted. */
  delivered(endpointId: string, eventType: string, attempt: number, latencyMs: number): void {
    this.deliveries.inc({ outcome: 'succeeded', endpoint_id: endpointId, event_type: eventType });
    if (attempt === 1) this.firstAttemptSuccesses.inc({ endpoint_id: endpointId, event_type: eventType });
    this.latency.observe({ endpoint_id: endpointId, event_type: eventType }, Math.max(0, latencyMs) / 1000);
  }

  /** Counts a delivery that ended in the dead-letter queue. */
  deadLettered(endpointId: string, eventType: string): void {
    this.deliveries.inc({ outcome: 'dead_lettered', endpoint_id: endpointId, event_type: eventType });
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
    this.perEndpointGauge('hookway_circuit_open', 'Endpoints whose circuit is open (1), right now.', async () =>
      (await readOnce()).filter((c) => c.open).map(({ endpointId }) => ({ endpointId, value: 1 })),
    );
    this.perEndpointGauge('hookway_parked_deliveries', 'Deliveries parked behind an open circuit, per endpoint, right now.', async () =>
      (await readOnce()).filter((c) => c.parked > 0).map(({ endpointId, parked }) => ({ endpointId, value: parked })),
    );
  }

  // A gauge per endpoint whose series are replaced by a fresh read at each scrape.
  private perEndpointGauge(name: string, help: string, read: () => Promise<{ endpointId: string; value: number }[]>): void {
    new Gauge({
      name,
      help,
      labelNames: ['endpoint_id'] as const,
      registers: [this.registry],
      async collect() {
        const values = await read();
        this.reset();
        for (const { endpointId, value } of values) this.set({ endpoint_id: endpointId }, value);
      },
    });
  }
}
