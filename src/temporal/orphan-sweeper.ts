import type { CircuitsRepository } from '../db/circuits.repository';
import type { DeliveriesRepository } from '../db/deliveries.repository';
import type { EndpointsRepository } from '../db/endpoints.repository';
import type { MessagesRepository } from '../db/messages.repository';
import type { OrderedStreamsRepository } from '../db/ordered-streams.repository';
import type { Logger } from '../logging/logger';
import { deliveryInputFor } from './delivery-input';
import type { CircuitSignals } from './circuit-signals';
import type { DeliveryStarter } from './delivery-starter';
import type { OrderedStreamSignals } from './ordered-stream-signals';

/** How often the sweep runs, how old a delivery must be to count as orphaned, and how many per sweep. */
export interface SweepSettings {
  intervalMs: number;
  olderThanMs: number;
  batch: number;
}

/**
 * Starts the workflows of deliveries that were stored but never started: the API may stop between
 * committing a message and starting its workflows, and the client, seeing no 202, may never retry.
 * Starting is idempotent (the workflow ID), so several workers sweeping at once do no harm. Ordered
 * deliveries are never started here, which could break their order: their stream is woken instead.
 */
export class OrphanSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly repos: {
      deliveries: DeliveriesRepository;
      messages: MessagesRepository;
      endpoints: EndpointsRepository;
      streams: OrderedStreamsRepository;
      circuits: CircuitsRepository;
    },
    private readonly starter: DeliveryStarter,
    private readonly signals: { streams: OrderedStreamSignals; circuits: CircuitSignals },
    private readonly settings: SweepSettings,
    private readonly logger: Logger,
  ) {}

  /**
   * One sweep.
   * @returns how many delivery workflows it started, how many ordered streams it woke, and how many
   * endpoints' circuit workflows it made sure of.
   */
  async sweepOnce(): Promise<{ started: number; woken: number; circuits: number }> {
    const orphans = await this.repos.deliveries.findUnattempted(this.settings.olderThanMs, this.settings.batch);
    let started = 0;
    for (const delivery of orphans) {
      const [message, endpoint] = await Promise.all([
        this.repos.messages.findById(delivery.messageId),
        this.repos.endpoints.findById(delivery.endpointId),
      ]);
      if (!message || !endpoint) continue;
      const { input, memo } = deliveryInputFor(message, delivery, endpoint);
      if (await this.starter.start(delivery.workflowId, input, memo)) started += 1;
    }
    const stalled = await this.repos.streams.stalled(this.settings.olderThanMs, this.settings.batch);
    for (const stream of stalled) await this.signals.streams.changed(stream);
    // An open circuit needs its workflow to probe, and parked deliveries behind a closed one need it to
    // release them; a worker that died between opening the circuit and starting the workflow leaves neither.
    const circuits = await this.repos.circuits.needingWorkflow(this.settings.olderThanMs, this.settings.batch);
    for (const { endpointId, open } of circuits) {
      const policy = (await this.repos.endpoints.findById(endpointId))?.retryPolicy;
      // An open circuit's running workflow is left to its probe clock; behind a closed one (a success the
      // worker could not report, an endpoint re-enabled) the workflow is told to release now.
      if (open) await this.signals.circuits.ensureRunning(endpointId, policy);
      else await this.signals.circuits.changed(endpointId, policy);
    }
    if (started > 0) this.logger.warn({ started }, 'started the workflows of stored but unstarted deliveries');
    return { started, woken: stalled.length, circuits: circuits.length };
  }

  /** Sweeps every `intervalMs` until {@link stop}. */
  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweepOnce()
        .then(() => undefined, (error: unknown) => this.logger.warn({ err: error }, 'orphan sweep failed; will try again'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  /** Stops sweeping and waits for a sweep in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
