import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { HookwayActivities } from './activity-contract';
import { streamChangedSignal, streamStepQuery, type OrderedStreamInput, type StreamStep } from './definitions';

// Looking at PostgreSQL must eventually succeed, however long it is away: order is worth the wait.
const { advanceStream } = proxyActivities<HookwayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// A stream with nothing left to send closes after this long; the next message with its key starts it again.
const IDLE_CLOSE = '5 minutes';
// How long the stream waits for a signal before it looks again anyway, by what it is doing. Deliveries,
// retries, discards and hold-to-skip switches all signal it; looking again covers a signal never sent
// (a process that died in between). A blocked stream waits for an operator, so it looks rarely; one whose
// previous delivery is closing looks again soon, since that close sends no signal of its own.
const RECHECK: Record<Exclude<StreamStep['state'], 'idle'>, string> = {
  delivering: '1 minute',
  finishing: '2 seconds',
  blocked: '10 minutes',
};
// Each step adds a handful of events; a new run keeps the history short.
const STEPS_PER_RUN = 500;

/**
 * Delivers one endpoint's messages with one ordering key strictly in the order they were accepted: it
 * starts the lowest-numbered undelivered one's delivery workflow and waits until that delivery has
 * succeeded or been dead-lettered (on a `hold` endpoint: until the dead letter is retried successfully or
 * discarded) before starting the next. PostgreSQL holds the order; this workflow only ever acts on what
 * it reads there, so lost, repeated or reordered signals cannot reorder deliveries, and the order survives
 * worker and server restarts.
 */
export async function orderedStreamWorkflow(stream: OrderedStreamInput): Promise<void> {
  let changes = 0;
  let current: StreamStep | null = null;
  setHandler(streamChangedSignal, () => {
    changes += 1;
  });
  setHandler(streamStepQuery, () => current);
  for (let step = 0; step < STEPS_PER_RUN && !workflowInfo().continueAsNewSuggested; step += 1) {
    const seen = changes;
    current = await advanceStream(stream);
    await condition(() => changes !== seen, current.state === 'idle' ? IDLE_CLOSE : RECHECK[current.state]);
    if (changes === seen && current.state === 'idle') return;
  }
  await continueAsNew<typeof orderedStreamWorkflow>(stream);
}
