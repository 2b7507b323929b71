import type { CircuitsRepository, ParkedDelivery } from '../db/circuits.repository';
import type { EndpointsRepository } from '../db/endpoints.repository';
import { deliveryInputFor } from './delivery-input';
import type { DeliveryStarter } from './delivery-starter';
import type { StartGate } from './start-gate';

// Parked deliveries are run again this many at a time: a start each.
const WAKE_CONCURRENCY = 16;
// Parked deliveries a probe may pass over (delivered, or a run still closing) in one step.
const PROBE_TRIES = 5;

/** What a probe-or-release step did; the circuit activity adds the expiry it did beside it. */
export type ProbeOrRelease = { state: 'open'; probedWorkflowId: string | null } | { state: 'closed'; released: number; limit: number };

/**
 * One step of an endpoint's circuit workflow, against PostgreSQL (which holds the circuit and the parked
 * deliveries) and Temporal: while the circuit is open, run one parked delivery again as a probe; once it is
 * closed, run up to a batch of parked deliveries again. A parked delivery's run closed as it parked, so
 * "again" is a new run under the same workflow ID, continuing its schedule.
 */
export class CircuitStepper {
  constructor(
    private readonly deps: {
      circuits: CircuitsRepository;
      endpoints: EndpointsRepository;
      starter: DeliveryStarter;
      /** Holds releases back while Temporal's workers are behind; none releases a full batch each step. */
      gate?: Pick<StartGate, 'room' | 'unused'>;
    },
  ) {}

  /**
   * Releases parked deliveries if the circuit is closed, at most `batch` (and, `gated`, at most what the
   * start gate grants: a circuit workflow that says so ends only when a step releases less than its
   * `limit`); if it is open and `probe` is set, runs one of them as a probe.
   */
  async step(endpointId: string, batch: number, probe: boolean, gated = false): Promise<ProbeOrRelease> {
    const { circuits } = this.deps;
    const state = await circuits.state(endpointId);
    if (state?.openedAt && !probe) return { state: 'open', probedWorkflowId: null };
    if (state?.openedAt) {
      for (let tries = 0; ; tries += 1) {
        // Those still running (a run closing as it parks) were passed over: the next probe tries again.
        if (tries === PROBE_TRIES) return { state: 'open', probedWorkflowId: null };
        const parked = await circuits.takeProbe(endpointId);
        if (!parked) break;
        // A probe stays parked while its run attempts (expiry leaves a row just picked alone for as long as
        // an attempt can take), so a probe run that is lost leaves it parked, never stranded.
        const outcome = await this.runAgain(endpointId, parked, 'probe');
        if (outcome === 'started') return { state: 'open', probedWorkflowId: parked.workflowId };
        // Delivered, dead-lettered or parked again meanwhile: it waits for nothing from this probe.
        if (outcome === 'done') await circuits.unpark([parked]);
      }
      // Nothing parked to probe with: the next delivery's own attempt is the probe.
      await circuits.closeUnprobed(endpointId);
    }
    // Run before they are unparked: a step cut short runs them again rather than not at all (the workflow
    // ID makes a second start a no-op).
    const gate = gated ? this.deps.gate : undefined;
    const limit = gate ? gate.room(batch) : batch;
    if (limit === 0) {
      // Nothing parked: nothing to hold back, and the circuit workflow may end.
      if ((await circuits.releasable(endpointId, 1)).length === 0) return { state: 'closed', released: 0, limit: batch };
      return { state: 'closed', released: 0, limit };
    }
    const released = await circuits.releasable(endpointId, limit);
    const unpark: ParkedDelivery[] = [];
    for (let i = 0; i < released.length; i += WAKE_CONCURRENCY) {
      await Promise.all(
        released.slice(i, i + WAKE_CONCURRENCY).map(async (parked) => {
          // A run still open stays parked: the next step tries again.
          if ((await this.runAgain(endpointId, parked, 'released')) !== 'busy') unpark.push(parked);
        }),
      );
    }
    if (unpark.length > 0) await circuits.unpark(unpark);
    gate?.unused(limit - unpark.length);
    return { state: 'closed', released: released.length, limit };
  }

  /**
   * Starts a new run of a parked delivery (as a probe, or released), continuing its schedule.
   * @returns `started`; `done` when it needs nothing (delivered, dead-lettered or parked again since it was
   * read); `busy` when a run of it is still open.
   */
  private async runAgain(endpointId: string, parked: ParkedDelivery, as: 'probe' | 'released'): Promise<'started' | 'done' | 'busy'> {
    // A deleted endpoint's deliveries run too: their attempt finds it gone and dead-letters them.
    const endpoint = await this.deps.endpoints.findById(endpointId, { includeDeleted: true });
    if (!endpoint) return 'done';
    const { input, memo } = deliveryInputFor(parked.message, { id: parked.deliveryId }, endpoint);
    const again = { ...input, attemptsBefore: parked.attempts, ...(as === 'probe' ? { circuitBypass: 'probe' as const } : {}) };
    // Checked before every start: a run that was still closing may have dead-lettered it meanwhile.
    const result = await this.deps.starter.restart(parked.workflowId, again, memo, () => this.deps.circuits.stillParked(parked));
    if (result.outcome === 'running') return 'busy';
    return result.outcome === 'started' ? 'started' : 'done';
  }
}
