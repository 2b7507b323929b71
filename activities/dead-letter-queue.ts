import { Context } from '@temporalio/activity';
import type { DeadLetterRecord, QueueAlertKind } from '../src/db/dead-letters.repository';
import { DEFAULT_APPLICATION } from '../src/domain/applications';
import { ConflictError, NotFoundError } from '../src/domain/errors';
import type { DeadLetterCursor, DeadLetterEntry, DeadLetterRetryOutcome, RedrivePageRequest, RedrivePageResult } from '../workflows/definitions';
import { queueAlert } from './alerts';
import type { ActivityDeps } from './deps';

// Attempts at sending a queue alert before it is given up (logged), so a dead alert receiver cannot hold
// a delivery workflow open.
const ALERT_ATTEMPTS = 5;
// A page whose activity failed this many times in a row skips (and logs) the dead letters whose retry
// keeps throwing, so one that can never start cannot hold up the rest of the queue; about 4 minutes of
// retries first, so an outage of Temporal or PostgreSQL skips nothing.
const SKIP_FAILING_AFTER_ATTEMPTS = 10;
// Retries of one redrive page under way at once, when each takes longer than the pace (its PostgreSQL and
// Temporal round trips): the pace, not those, then sets the rate.
const REDRIVE_IN_FLIGHT = 8;

/**
 * After a success resolved a dead letter: tells the endpoint's dead-letter workflow when its queue is now
 * empty, so it can end. Asked after the resolution committed, so of two last dead letters delivered at
 * once, the one that commits second sees the queue empty (the statement's own view would see the other).
 */
export async function deadLetterResolved(deps: Pick<ActivityDeps, 'deadLetters' | 'deadLetterSignals'>, endpointId: string): Promise<void> {
  if (!(await deps.deadLetters.hasOpen(endpointId))) await deps.deadLetterSignals.drained(endpointId);
}

// Parked deliveries dead-lettered per step at least, however slow the endpoint's release rate.
const MIN_EXPIRY_BATCH = 100;
// Queue alerts still unsent this long after their dead letter opened were lost on the way (a worker
// stopped between the bulk dead-lettering and its alerts): the circuit workflow sends them again. Longer
// than the deadLetter activity's own attempts at sending, so the two do not race.
const UNSENT_ALERTS_AFTER_MS = 2 * 60_000;

/**
 * Dead-letters in bulk, behind an endpoint's open circuit, the parked deliveries whose schedule ran out,
 * and does what each dead-lettering does: count it, start the endpoint's dead-letter workflow with the
 * first of its queue, and let ordered streams move on. The queue alerts are the circuit workflow's to
 * send, through `sendQueueAlerts` (retried by Temporal): it gets the ids of the dead letters holding them,
 * those of this step and any left unsent by an earlier one.
 */
export async function deadLetterExpiredParked(deps: ActivityDeps, endpointId: string, batch: number): Promise<{ expired: number; alertIds: string[] }> {
  const stale = await deps.deadLetters.unsentAlerts(endpointId, UNSENT_ALERTS_AFTER_MS);
  const alertIds = stale.map((s) => s.deadLetter.id);
  const { expired, pendingAlerts, alertingDeadLetter } = await deps.deadLetters.expireParked(endpointId, Math.max(MIN_EXPIRY_BATCH, batch), deps.deadLetterAlertThreshold);
  if (expired.length === 0) return { expired: 0, alertIds };
  const opened = expired.filter((delivery) => delivery.opened);
  if (opened.length > 0) {
    const applicationId = (await deps.endpoints.findById(endpointId, { includeDeleted: true }))?.applicationId ?? DEFAULT_APPLICATION.id;
    for (const delivery of opened) deps.metrics.deadLettered({ endpointId, applicationId }, delivery.eventType);
  }
  // The dead letters are committed: what follows is best effort, logged, never a reason to run this again.
  const warn = (what: string) => (error: unknown) => deps.logger.warn({ err: error, endpointId }, what);
  if (pendingAlerts.includes('first_dead_letter')) {
    // A redrive or automatic recovery starts the queue's workflow too, if this does not.
    await deps.deadLetterSignals.opened(endpointId).catch(warn("the dead-letter queue's workflow could not be started"));
  }
  if (alertingDeadLetter && pendingAlerts.length > 0) alertIds.push(alertingDeadLetter.id);
  // A stream also looks again on its own after a while.
  const keys = new Set(expired.flatMap((d) => (d.orderingKey === null ? [] : [d.orderingKey])));
  for (const orderingKey of keys) await deps.streamSignals.wake({ endpointId, orderingKey }).catch(warn('ordered stream not woken'));
  deps.logger.warn({ endpointId, deadLettered: expired.length }, 'parked deliveries dead-lettered: the circuit stayed open until their schedule ran out');
  return { expired: expired.length, alertIds };
}

/**
 * The activities of the dead-letter queue: opening a dead letter (in PostgreSQL, with its alerts) and
 * redriving the queue a page at a time. The queue lives in PostgreSQL only.
 */
export function createDeadLetterActivities(deps: ActivityDeps) {
  // One step of a redrive: runs the dead letter's delivery again, or reports it needs nothing.
  const retryOne = async (deadLetterId: string): Promise<DeadLetterRetryOutcome> => {
    try {
      return await deps.deadLetterRetrier.retry(deadLetterId);
    } catch (error) {
      // Resolved, discarded or gone meanwhile: nothing left to retry.
      if (error instanceof NotFoundError) return 'resolved';
      if (error instanceof ConflictError) return error.code === 'dead_letter_resolved' ? 'resolved' : 'skipped';
      throw error;
    }
  };

  // Sends the queue alerts a dead letter holds, then forgets them; throws for Temporal to retry the calling
  // activity until its last attempt, where the failure is logged and the alerts given up.
  const sendHeldAlerts = async (deadLetter: DeadLetterRecord, kinds: QueueAlertKind[]): Promise<void> => {
    try {
      for (const kind of kinds) await deps.alerter.send(queueAlert(kind, deadLetter, deps.deadLetterAlertThreshold));
    } catch (error) {
      if (Context.current().info.attempt < ALERT_ATTEMPTS) throw error;
      deps.logger.warn({ err: error, endpointId: deadLetter.endpointId, alerts: kinds }, 'queue alert not delivered');
    }
    await deps.deadLetters.clearPendingAlerts(deadLetter.id);
  };

  return {
    /**
     * Records the dead letter in PostgreSQL; the first of an endpoint's queue also starts its dead-letter
     * workflow, and the alerts its opening raised are sent. Every step is idempotent, so Temporal may
     * retry this freely: a dead letter already open sends only the alerts not sent yet.
     */
    async deadLetter(entry: DeadLetterEntry): Promise<void> {
      const threshold = deps.deadLetterAlertThreshold;
      const recorded = await deps.deadLetters.record(entry, threshold);
      if (!recorded) {
        deps.logger.warn({ messageId: entry.messageId, endpointId: entry.endpointId }, 'delivery dead-lettered after retention deleted it; nothing recorded');
        return;
      }
      const { deadLetter, opened, pendingAlerts } = recorded;
      // Counted once per dead-lettering, not again when Temporal retries this activity.
      if (opened) deps.metrics.deadLettered({ endpointId: entry.endpointId, applicationId: deadLetter.applicationId }, entry.eventType);
      if (pendingAlerts.includes('first_dead_letter')) await deps.deadLetterSignals.opened(entry.endpointId);
      if (pendingAlerts.length > 0) await sendHeldAlerts(deadLetter, pendingAlerts);
      deps.logger.warn(
        { messageId: entry.messageId, endpointId: entry.endpointId, workflowId: entry.workflowId, attempts: entry.attempts },
        'delivery dead-lettered',
      );
    },

    /**
     * Sends the queue alerts a dead letter still holds (from a bulk dead-lettering), then forgets them.
     * Throws for Temporal to retry while the alert receiver fails, up to a few attempts; then the failure
     * is logged and the alerts are given up, as the deadLetter activity does.
     */
    async sendQueueAlerts(deadLetterId: string): Promise<void> {
      const held = await deps.deadLetters.heldAlerts(deadLetterId);
      if (held && held.alerts.length > 0) await sendHeldAlerts(held.deadLetter, held.alerts);
    },

    /**
     * One page of a redrive: the next open dead letters after the cursor, oldest first, retried with a
     * pause of `intervalMs` after each. A retry slower than the pause holds the next one back no longer
     * than the pause, so a fast pace overlaps a few rather than waiting on each one's round trips.
     * Heartbeats the cursor up to which every retry is done, so a retried page resumes there.
     */
    async redrivePage(request: RedrivePageRequest): Promise<RedrivePageResult> {
      const context = Context.current();
      const resumed = context.info.heartbeatDetails as DeadLetterCursor | undefined;
      const page = await deps.deadLetters.nextInQueue(request.endpointId, {
        after: resumed ?? request.after,
        limit: request.limit,
        notAutoRetried: request.automatic,
      });
      const done = page.map(() => false);
      let settled = 0;
      let failure: { error: unknown } | undefined;
      const retryAt = async (index: number): Promise<void> => {
        const item = page[index];
        try {
          const outcome = await retryOne(item.id);
          // Marked after the retry: a worker lost in between retries it once more, never not at all.
          // Not one it could not retry (a run still closing, an endpoint deleted): a later pass may.
          if (request.automatic && outcome !== 'skipped') await deps.deadLetters.markAutoRetried(item.id);
          if (outcome === 'skipped') deps.logger.info({ endpointId: request.endpointId, deadLetterId: item.id }, 'redrive skipped a dead letter it cannot retry');
        } catch (error) {
          if (context.info.attempt < SKIP_FAILING_AFTER_ATTEMPTS) {
            failure ??= { error };
            return;
          }
          // It stays open in the queue: a later redrive, or the operator, tries it again.
          deps.logger.warn({ err: error, endpointId: request.endpointId, deadLetterId: item.id }, 'redrive skipped a dead letter whose retry keeps failing');
        }
        done[index] = true;
        const before = settled;
        while (settled < page.length && done[settled]) settled += 1;
        if (settled > before) context.heartbeat(page[settled - 1].cursor);
      };
      const inFlight = new Set<Promise<void>>();
      let previous: Promise<void> | undefined;
      for (let index = 0; index < page.length && !failure; index += 1) {
        if (previous && request.intervalMs > 0) {
          // The pause follows the previous retry, which is waited for no longer than the pause itself.
          await Promise.race([previous, new Promise((resolve) => setTimeout(resolve, request.intervalMs))]);
          await context.sleep(request.intervalMs);
        }
        while (inFlight.size >= REDRIVE_IN_FLIGHT) await Promise.race(inFlight);
        const retry: Promise<void> = retryAt(index).finally(() => inFlight.delete(retry));
        inFlight.add(retry);
        previous = retry;
      }
      await Promise.all(inFlight);
      if (failure) throw failure.error;
      return { retried: page.length, cursor: page.at(-1)?.cursor ?? resumed ?? request.after, more: page.length === request.limit };
    },

    /** Whether the endpoint has any open dead letter (its dead-letter workflow is done when not). */
    async deadLetterQueueOpen(endpointId: string): Promise<boolean> {
      return deps.deadLetters.hasOpen(endpointId);
    },
  };
}
