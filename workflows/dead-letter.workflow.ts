import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  deadLetteredSignal,
  deadLetterResolvedSignal,
  deadLettersQuery,
  redriveSignal,
  type AlertKind,
  type DeadLetterEntry,
  type DeadLetterWorkflowInput,
  type RedriveRequest,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

// Each signal adds history events; starting afresh after this many keeps the history short to replay.
const SIGNALS_BEFORE_CONTINUE_AS_NEW = 500;

const { retryDeadLetter } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// An alert receiver that is down must not hold the queue up for long.
const { sendAlert } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

/**
 * One per endpoint, started by signal-with-start from the first delivery that dead-letters. Holds the
 * endpoint's open dead letters (query `deadLetters`), raises alerts when the first one arrives and when
 * their number reaches the threshold, and redrives them on request: oldest first, one per
 * `redriveIntervalMs`. Continues as new to keep its history bounded.
 */
export async function deadLetterWorkflow(input: DeadLetterWorkflowInput): Promise<void> {
  const { endpointId, settings } = input;
  const entries = new Map<string, DeadLetterEntry>(input.entries.map((e) => [e.deliveryId, e]));
  let redrive: RedriveRequest | undefined = input.redrivePending;
  let redriving = false;
  let signalsThisRun = 0;
  const alerts: Promise<void>[] = [];

  const raise = (kind: AlertKind, message: string): void => {
    alerts.push(
      sendAlert({ id: `alert_${uuid4()}`, kind, endpointId, message, openDeadLetters: entries.size }).catch((error: unknown) => {
        log.warn('alert could not be delivered', { kind, endpointId, error: String(error) });
      }),
    );
  };

  setHandler(deadLetteredSignal, (entry) => {
    signalsThisRun += 1;
    // A retried bookkeeping activity, or a retry that failed again, signals an entry we hold already.
    if (entries.has(entry.deliveryId)) return;
    const before = entries.size;
    entries.set(entry.deliveryId, entry);
    if (before === 0) raise('first_dead_letter', `endpoint ${endpointId} has its first dead letter: ${entry.error}`);
    if (before < settings.alertThreshold && entries.size >= settings.alertThreshold) {
      raise('dead_letter_threshold', `endpoint ${endpointId} has ${entries.size} dead letters (threshold ${settings.alertThreshold})`);
    }
  });
  setHandler(deadLetterResolvedSignal, ({ deliveryId }) => {
    signalsThisRun += 1;
    entries.delete(deliveryId);
  });
  setHandler(redriveSignal, ({ automatic }) => {
    signalsThisRun += 1;
    // Automatic requests while a pass runs add nothing; an operator's request always gets a full pass.
    if (automatic && (redriving || redrive)) return;
    redrive = { automatic };
  });
  setHandler(deadLettersQuery, () => [...entries.values()].sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt)));

  const continueAsNewDue = (): boolean =>
    signalsThisRun >= SIGNALS_BEFORE_CONTINUE_AS_NEW || workflowInfo().continueAsNewSuggested;

  while (!continueAsNewDue()) {
    await condition(() => redrive !== undefined || continueAsNewDue());
    const pass = redrive;
    if (!pass) break;
    redrive = undefined;
    redriving = true;
    const batch = [...entries.values()].sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt));
    for (const entry of batch) {
      if (continueAsNewDue()) {
        redrive = pass;
        break;
      }
      const current = entries.get(entry.deliveryId);
      if (!current || (pass.automatic && current.autoRetried)) continue;
      if (pass.automatic) current.autoRetried = true;
      const outcome = await retryDeadLetter(current.deadLetterId);
      if (outcome === 'resolved') entries.delete(entry.deliveryId);
      await sleep(settings.redriveIntervalMs);
    }
    redriving = false;
  }

  await Promise.all(alerts);
  await condition(allHandlersFinished);
  await continueAsNew<typeof deadLetterWorkflow>({
    endpointId,
    settings,
    entries: [...entries.values()],
    redrivePending: redrive,
  });
}
