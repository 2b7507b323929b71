import { condition, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { HookwayActivities } from './activity-contract';
import { circuitChangedSignal, type EndpointCircuitInput } from './definitions';

// Looking at PostgreSQL must eventually succeed, however long it is away: parked deliveries wait on this.
const { circuitStep, sendQueueAlerts } = proxyActivities<HookwayActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Each step adds a handful of events; a new run keeps the history short.
const STEPS_PER_RUN = 500;
// Parked deliveries whose schedule ran out are dead-lettered at most this often, in bulk.
const MIN_EXPIRY_WAIT_MS = 1000;
// Releases go out in batches of a tenth of the per-second rate, so the pace is even within a second.
const RELEASE_BATCHES_PER_SECOND = 10;
// How long a release waits when Temporal's workers are behind (see StartGate).
const HELD_WAIT_MS = 1000;

/**
 * An endpoint's circuit breaker. While the circuit is open its deliveries are parked in PostgreSQL (their
 * runs close, holding no timer, no worker slot and no history); this workflow runs one of them again as a
 * probe, after the endpoint's first retry delay and then after longer and longer waits, and dead-letters in
 * bulk those whose schedule ran out. When an attempt succeeds the circuit closes and this workflow runs the
 * parked deliveries again at `releasePerSecond`, oldest first, so a receiver that just came back is not
 * flooded, then ends. PostgreSQL holds the circuit and the parked deliveries; a lost signal only delays a
 * step.
 */
export async function endpointCircuitWorkflow(input: EndpointCircuitInput): Promise<void> {
  let changes = 0;
  setHandler(circuitChangedSignal, () => {
    changes += 1;
  });
  const batch = Math.max(1, Math.round(input.releasePerSecond / RELEASE_BATCHES_PER_SECOND));
  // The probe clock runs on its own, so signals (a sweep making sure this workflow runs) never put it back.
  let probeIntervalMs = input.probeIntervalMs;
  let probeDue = false;
  const armProbe = (): void => {
    void sleep(probeIntervalMs).then(() => {
      probeDue = true;
    });
  };
  // A circuit that just opened is probed only after a first wait: the receiver has just failed.
  armProbe();
  for (let step = 0; step < STEPS_PER_RUN && !workflowInfo().continueAsNewSuggested; step += 1) {
    const seen = changes;
    const probe = probeDue;
    const result = await circuitStep(input.endpointId, batch, probe, true);
    // The queue alerts of what this step dead-lettered: sent before anything else, retried by Temporal.
    for (const deadLetterId of result.alertIds ?? []) await sendQueueAlerts(deadLetterId);
    if (result.state === 'closed') {
      // Fewer than the step could take: none left parked. (Steps recorded before `limit` existed took the batch.)
      const limit = result.limit ?? batch;
      if (result.released < limit) return;
      // No room in Temporal's task queue: its workers are behind, so look again later rather than soon.
      await sleep(limit === 0 ? HELD_WAIT_MS : 1000 / RELEASE_BATCHES_PER_SECOND);
      continue;
    }
    if (probe) {
      probeDue = false;
      probeIntervalMs = Math.min(input.maxProbeIntervalMs, probeIntervalMs * input.backoffCoefficient);
      armProbe();
    }
    // Open: wait for a change (a success closing it signals), the time of the next probe, or the moment the
    // next parked delivery's schedule runs out (those due together go in one step).
    const expiry = result.nextExpiryInMs;
    if (expiry == null) {
      await condition(() => changes !== seen || probeDue);
    } else if (result.expired === 0 || expiry > 0) {
      await condition(() => changes !== seen || probeDue, Math.max(MIN_EXPIRY_WAIT_MS, expiry));
    }
  }
  await continueAsNew<typeof endpointCircuitWorkflow>({ ...input, probeIntervalMs });
}
