import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { HookwayActivities } from './activity-contract';
import { queueRedrive, redrivePageSize } from './dead-letter-redrive';
import {
  deadLetterQueueChangedSignal,
  redriveSignal,
  redriveStateQuery,
  type DeadLetterWorkflowInput,
  type RedrivePass,
  type RedriveRequest,
} from './definitions';

// Each step (a page, a look at the queue) adds about ten events; this many keeps a run's history short.
const STEPS_BEFORE_CONTINUE_AS_NEW = 200;
// Whatever empties a queue signals it; should a signal be lost all the same, an idle workflow with a
// non-empty queue looks again this often.
const IDLE_RECHECK = '10 minutes';

// A page paces its retries inside the activity and heartbeats after each, so a lost worker is noticed
// quickly and the retry resumes after the last dead letter it retried.
const { redrivePage } = proxyActivities<HookwayActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
const { deadLetterQueueOpen } = proxyActivities<HookwayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * One per endpoint while it has open dead letters: started by signal-with-start when the first one opens
 * or a redrive is asked, done once it is idle and the queue is empty. The queue lives in PostgreSQL only;
 * this workflow holds a cursor into it. A redrive pages through it oldest first, one dead letter per
 * `redriveIntervalMs` (each retried once per pass: a retry that fails again keeps its place, behind the
 * cursor). Alerts are decided where dead letters open (see DeadLettersRepository.record), not here.
 */
export async function deadLetterWorkflow(input: DeadLetterWorkflowInput): Promise<void> {
  const { endpointId, settings } = input;
  let pass: RedrivePass | undefined = input.pass;
  let queued: RedriveRequest | undefined = input.queued;
  // Look at the queue first thing: a run may start on a queue that emptied meanwhile.
  let changed = true;
  let steps = 0;

  setHandler(redriveSignal, (request) => {
    queued = queueRedrive(queued, pass, request);
  });
  setHandler(deadLetterQueueChangedSignal, () => {
    changed = true;
  });
  setHandler(redriveStateQuery, () => ({ pass: pass ?? null, queued: queued ?? null }));

  for (;;) {
    if (steps >= STEPS_BEFORE_CONTINUE_AS_NEW || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof deadLetterWorkflow>({ endpointId, settings, pass, queued });
    }
    if (!pass && queued) {
      pass = { automatic: queued.automatic };
      queued = undefined;
    }
    if (pass) {
      steps += 1;
      const page = await redrivePage({
        endpointId,
        automatic: pass.automatic,
        after: pass.cursor,
        limit: redrivePageSize(settings.redriveIntervalMs),
        intervalMs: settings.redriveIntervalMs,
      });
      if (page.more) {
        pass = { ...pass, cursor: page.cursor ?? pass.cursor };
      } else {
        pass = undefined;
        changed = true;
      }
      // The pace holds across pages too, and before the first retry of a pass queued behind this one.
      if (page.retried > 0 && (pass || queued) && settings.redriveIntervalMs > 0) await sleep(settings.redriveIntervalMs);
      continue;
    }
    if (changed) {
      steps += 1;
      changed = false;
      const open = await deadLetterQueueOpen(endpointId);
      // A signal that arrived meanwhile (a first dead letter, a redrive) keeps the workflow going; one that
      // arrives as it completes fails the completion, and the workflow sees it on the retried task.
      if (!open && !changed && !queued) break;
      continue;
    }
    const woken = await condition(() => queued !== undefined || changed, IDLE_RECHECK);
    if (!woken) changed = true;
  }
  await condition(allHandlersFinished);
}
