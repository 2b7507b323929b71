import type { CircuitsRepository } from '../db/circuits.repository';
import { SWEEP_START, type DeliveriesRepository, type SweepCursor } from '../db/deliveries.repository';
import type { EndpointRecord, EndpointsRepository } from '../db/endpoints.repository';
import type { OrderedStreamsRepository } from '../db/ordered-streams.repository';
import type { Logger } from '../logging/logger';
import { deliveryInputFor } from './delivery-input';
import { forEachLimited } from './for-each-limited';
import type { CircuitSignals } from './circuit-signals';
import type { DeliveryStarter } from './delivery-starter';
import type { OrderedStreamSignals } from './ordered-stream-signals';

/** How often the sweep runs, how old a delivery must be to count as orphaned, and how many per page. */
export interface SweepSettings {
  intervalMs: number;
  olderThanMs: number;
  batch: number;
}

/** What one sweep did. */
export interface SweepResult {
  /** Delivery workflows it started. */
  started: number;
  /** Unattempted deliveries it looked at (each only once: they are marked checked). */
  checked: number;
  /** Deliveries it could not deal with (left unchecked, tried again next sweep). */
  failed: number;
  /** Ordered streams it woke. */
  woken: number;
  /** Endpoints whose circuit workflow it made sure of. */
  circuits: number;
}

// Start calls in flight at once within a page: a sweep after an outage may have thousands to make.
const START_CONCURRENCY = 8;

/**
 * Starts the workflows of deliveries that were stored but never started: the API may stop between
 * committing a message and starting its workflows, and the client, seeing no 202, may never retry.
 * Starting is idempotent (the workflow ID), so several workers sweeping at once do no harm. Ordered
 * deliveries are never started here, which could break their order: their stream is woken instead.
 *
 * Each sweep pages through every unchecked candidate, so nothing can stay ahead of a real orphan, and
 * deals with each one once: once it has started the workflow, found it existing (running, waiting for a
 * rate-limit slot, or terminated by an operator, which the sweep leaves be) or found the endpoint deleted,
 * the delivery is marked checked and no sweep asks Temporal about it again. Existing workflows are found
 * by one visibility query per page; only the others cost a start call. A row that fails is logged, left
 * unchecked for the next sweep, and the sweep goes on.
 */
export class OrphanSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly repos: {
      deliveries: DeliveriesRepository;
      endpoints: EndpointsRepository;
      streams: OrderedStreamsRepository;
      circuits: CircuitsRepository;
    },
    private readonly starter: DeliveryStarter,
    private readonly signals: { streams: OrderedStreamSignals; circuits: CircuitSignals },
    private readonly settings: SweepSettings,
    private readonly logger: Logger,
  ) {}

  /** One sweep. */
  async sweepOnce(): Promise<SweepResult> {
    const result: SweepResult = { started: 0, checked: 0, failed: 0, woken: 0, circuits: 0 };
    const errors: unknown[] = [];
    const failed = (error: unknown, context: Record<string, string>): void => {
      result.failed += 1;
      if (errors.length === 0) this.logger.warn({ err: error, ...context }, 'orphan sweep: could not handle one item; going on');
      errors.push(error);
    };

    // One read per endpoint per sweep, however many of its deliveries are orphaned.
    const endpoints = new Map<string, Promise<EndpointRecord | undefined>>();
    const endpoint = (id: string): Promise<EndpointRecord | undefined> => {
      let found = endpoints.get(id);
      if (!found) endpoints.set(id, (found = this.repos.endpoints.findById(id)));
      return found;
    };

    let cursor: SweepCursor = SWEEP_START;
    for (;;) {
      const page = await this.repos.deliveries.findUnattempted(this.settings.olderThanMs, this.settings.batch, cursor);
      if (page.length === 0) break;
      cursor = page[page.length - 1].cursor;
      const checked: string[] = [];
      // Most candidates that linger have a workflow (waiting for a rate-limit slot, terminated): one
      // visibility query finds those, and only the rest cost a start call each.
      let exists = new Set<string>();
      try {
        exists = await this.starter.existing(page.filter((c) => !c.endpointDeleted).map((c) => c.delivery.workflowId));
      } catch (error) {
        this.logger.warn({ err: error }, 'orphan sweep: the visibility query failed; starting each delivery instead');
      }
      await forEachLimited(page, START_CONCURRENCY, async ({ delivery, message, endpointDeleted }) => {
        try {
          const live = endpointDeleted || exists.has(delivery.workflowId) ? undefined : await endpoint(delivery.endpointId);
          // A deleted endpoint gets nothing more; its delivery stays pending, as its streams' do.
          if (live) {
            const { input, memo } = deliveryInputFor(message, delivery, live);
            if (await this.starter.start(delivery.workflowId, input, memo)) result.started += 1;
          }
          checked.push(delivery.id);
        } catch (error) {
          failed(error, { deliveryId: delivery.id, workflowId: delivery.workflowId });
        }
      });
      await this.repos.deliveries.markSweepChecked(checked);
      result.checked += checked.length;
      if (page.length < this.settings.batch) break;
    }

    const stalled = await this.repos.streams.stalled(this.settings.olderThanMs, this.settings.batch);
    for (const stream of stalled) {
      try {
        await this.signals.streams.wake(stream);
        result.woken += 1;
      } catch (error) {
        failed(error, { endpointId: stream.endpointId, orderingKey: stream.orderingKey });
      }
    }
    // An open circuit needs its workflow to probe, and parked deliveries behind a closed one need it to
    // release them; a worker that died between opening the circuit and starting the workflow leaves neither.
    const circuits = await this.repos.circuits.needingWorkflow(this.settings.olderThanMs, this.settings.batch);
    for (const { endpointId, open } of circuits) {
      try {
        const found = await endpoint(endpointId);
        const policy = found?.retryPolicy;
        // An open circuit's running workflow is left to its probe clock; behind a closed one (a success the
        // worker could not report, an endpoint re-enabled) the workflow is told to release now.
        if (open) await this.signals.circuits.ensureRunning(endpointId, policy, found?.applicationId);
        else await this.signals.circuits.reconsider(endpointId, policy, found?.applicationId);
        result.circuits += 1;
      } catch (error) {
        failed(error, { endpointId });
      }
    }
    if (result.started > 0) this.logger.warn({ started: result.started }, 'started the workflows of stored but unstarted deliveries');
    if (result.failed > 1) this.logger.warn({ failed: result.failed }, 'orphan sweep: items left for the next sweep');
    return result;
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
