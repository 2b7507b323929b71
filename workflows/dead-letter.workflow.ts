import { condition, continueAsNew, setHandler, workflowInfo, allHandlersFinished } from '@temporalio/workflow';
import {
  deadLetteredSignal,
  deadLetterResolvedSignal,
  deadLettersQuery,
  type DeadLetterEntry,
  type DeadLetterWorkflowInput,
} from './definitions';

// Each signal adds history events; starting afresh after this many keeps the history short to replay.
const SIGNALS_BEFORE_CONTINUE_AS_NEW = 500;

/**
 * One per endpoint, started by signal-with-start from the first delivery that dead-letters. Holds the
 * endpoint's open dead letters so an operator can query them, and continues as new to stay bounded.
 */
export async function deadLetterWorkflow(input: DeadLetterWorkflowInput): Promise<void> {
  const entries = new Map<string, DeadLetterEntry>(input.entries.map((e) => [e.deliveryId, e]));
  let signalsThisRun = 0;

  setHandler(deadLetteredSignal, (entry) => {
    signalsThisRun += 1;
    // A retried bookkeeping activity may signal twice; the delivery id keeps one entry.
    if (!entries.has(entry.deliveryId)) entries.set(entry.deliveryId, entry);
  });
  setHandler(deadLetterResolvedSignal, ({ deliveryId }) => {
    signalsThisRun += 1;
    entries.delete(deliveryId);
  });
  setHandler(deadLettersQuery, () => [...entries.values()]);

  await condition(() => signalsThisRun >= SIGNALS_BEFORE_CONTINUE_AS_NEW || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof deadLetterWorkflow>({ endpointId: input.endpointId, entries: [...entries.values()] });
}
