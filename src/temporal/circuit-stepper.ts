import type { CircuitStep } from '../../workflows/definitions';
import type { CircuitsRepository } from '../db/circuits.repository';
import type { CircuitSignals } from './circuit-signals';

// Parked deliveries are woken this many at a time; waking is one signal each.
const WAKE_CONCURRENCY = 16;
// Parked deliveries whose workflow is gone are skipped; this many per step at most.
const PROBE_TRIES = 5;

/**
 * One step of an endpoint's circuit workflow, against PostgreSQL (which holds the circuit) and Temporal
 * (which holds the parked deliveries): while the circuit is open, wake one parked delivery as a probe;
 * once it is closed, release up to a batch of parked deliveries.
 */
export class CircuitStepper {
  constructor(
    private readonly circuits: CircuitsRepository,
    private readonly signals: CircuitSignals,
  ) {}

  /**
   * Releases parked deliveries if the circuit is closed, at most `batch`; if it is open and `probe` is set,
   * wakes one of them as a probe.
   */
  async step(endpointId: string, batch: number, probe: boolean): Promise<CircuitStep> {
    const state = await this.circuits.state(endpointId);
    if (state?.openedAt && !probe) return { state: 'open', probedWorkflowId: null };
    if (state?.openedAt) {
      for (let tries = 0; tries < PROBE_TRIES; tries += 1) {
        const parked = await this.circuits.takeProbe(endpointId);
        if (!parked) break;
        if (await this.signals.wake(parked.workflowId, 'probe')) return { state: 'open', probedWorkflowId: parked.workflowId };
        // Its workflow was terminated while parked: it waits for nothing any more.
        await this.circuits.unpark([parked]);
      }
      // Nothing parked to probe with: the next delivery's own attempt is the probe.
      await this.circuits.closeUnprobed(endpointId);
    }
    // Woken before they are unparked: a step cut short wakes them again rather than not at all.
    const released = await this.circuits.releasable(endpointId, batch);
    for (let i = 0; i < released.length; i += WAKE_CONCURRENCY) {
      await Promise.all(released.slice(i, i + WAKE_CONCURRENCY).map((d) => this.signals.wake(d.workflowId, 'released')));
    }
    if (released.length > 0) await this.circuits.unpark(released);
    return { state: 'closed', released: released.length };
  }
}
