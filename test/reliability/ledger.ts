import type { MessageOutcome } from './producer';
import type { CountingReceiver, Reception } from './receivers';

/** From the fault to the recovery. */
export interface CrashWindow {
  what: string;
  /**
   * Whether the fault can cut off an HTTP attempt after the receiver processed it, so that Temporal makes
   * it again: killing the worker or Temporal can; stopping PostgreSQL or killing the API cannot.
   */
  cutsAttempts: boolean;
  start: number;
  end: number;
}

/** The counts of one scenario: what went in, what came out. */
export interface Figures {
  messages: number;
  /** Messages the API answered 202, in the burst or when sent again after the fault. */
  accepted: number;
  /** Messages refused in the burst (any non-202 answer; only 503 is allowed). */
  refused: number;
  /** Refusals in either phase by "status code", e.g. "503 postgres_unavailable". */
  refusals: Record<string, number>;
  /** Refusals that were not 503. */
  refusedNot503: number;
  /** Refused messages the API had stored nevertheless (looked up before sending them again). */
  refusedButStored: number;
  acceptedOnResend: number;
  /** Tries with no answer at all (the API was down or died mid-request). */
  cutOff: number;
  /** Accepted messages processed by their receiver. */
  delivered: number;
  /** Processings beyond the first of one webhook-id. */
  duplicates: number;
  /** Duplicates of a processing Hookway recorded as a timed-out attempt. */
  duplicatesAfterTimeout: number;
  /** Duplicates of a processing under way during a crash window. */
  duplicatesAfterCrash: number;
  /** Duplicates neither accounts for. */
  unexplainedDuplicates: number;
  /** Accepted but never processed. */
  lost: number;
  /** Processed though never accepted. */
  deliveredUnaccepted: number;
  /** Requests that reached a receiver other than the message's. */
  misrouted: number;
  /** Webhook-ids whose requests did not all carry the same body, or carried another message's. */
  bodyMismatches: number;
  /** Requests a receiver reset on purpose. */
  resets: number;
  /** Processings answered after the endpoint's timeoutMs (by the receiver's clock). */
  lateAnswers: number;
}

/** What the ledger needs besides the outcomes. */
export interface LedgerInput {
  outcomes: MessageOutcome[];
  receivers: { receiver: CountingReceiver; timeoutMs: number }[];
  crashWindows: CrashWindow[];
  /** Timed-out attempts Hookway recorded for a delivery (see records.ts). */
  timedOut: (deliveryId: string) => Promise<number>;
}

// A worker may have picked an attempt up to its activity timeout (timeoutMs + 10 s) before a crash.
const ACTIVITY_OVERHEAD_MS = 10_000;

function inWindow(reception: Reception, windows: CrashWindow[], lookbackMs: number): boolean {
  return windows.some((w) => w.cutsAttempts && reception.arrivedAt >= w.start - lookbackMs && reception.arrivedAt <= w.end);
}

type Tally = Omit<Figures, 'messages' | 'accepted' | 'refused' | 'refusals' | 'refusedNot503' | 'refusedButStored' | 'acceptedOnResend' | 'cutOff' | 'lost'>;

/** Adds what one receiver saw to `tally`, explaining each duplicate or counting it as unexplained. */
async function tallyReceiver(tally: Tally, input: LedgerInput, receiver: CountingReceiver, timeoutMs: number): Promise<void> {
  const planned = new Map(input.outcomes.map((o) => [o.message.id, o]));
  const byId = new Map<string, Reception[]>();
  for (const reception of receiver.receptions) {
    if (planned.get(reception.webhookId)?.message.receiver !== receiver.name) tally.misrouted += 1;
    if (reception.action === 'reset') tally.resets += 1;
    byId.set(reception.webhookId, [...(byId.get(reception.webhookId) ?? []), reception]);
  }
  for (const [id, receptions] of byId) {
    const sameBody = new Set(receptions.map((r) => r.bodyHash)).size === 1;
    if (!sameBody || receptions.some((r) => r.seq !== planned.get(id)?.message.seq)) tally.bodyMismatches += 1;
  }
  for (const [id, processings] of receiver.processedById()) {
    const outcome = planned.get(id);
    if (outcome?.accepted) tally.delivered += 1;
    else tally.deliveredUnaccepted += 1;
    tally.lateAnswers += processings.filter((p) => p.answeredAt !== undefined && p.answeredAt - p.arrivedAt > timeoutMs).length;
    const extra = processings.length - 1;
    if (extra === 0) continue;
    tally.duplicates += extra;
    // A recorded timeout is direct evidence; a crash window only says the attempt may have been cut off.
    const timedOut = Math.min(extra, outcome?.accepted ? await input.timedOut(outcome.accepted.deliveryId) : 0);
    const underWay = processings.slice(0, -1).filter((p) => inWindow(p, input.crashWindows, timeoutMs + ACTIVITY_OVERHEAD_MS)).length;
    const crashed = Math.min(extra - timedOut, underWay);
    tally.duplicatesAfterTimeout += timedOut;
    tally.duplicatesAfterCrash += crashed;
    tally.unexplainedDuplicates += extra - timedOut - crashed;
  }
}

/**
 * Counts accepted, refused, delivered, duplicated and lost messages, and explains each duplicate: the
 * processing before it was an attempt Hookway recorded as timed out, or was under way during a crash
 * window. Anything else is an unexplained duplicate.
 */
export async function countFigures(input: LedgerInput): Promise<Figures> {
  const { outcomes } = input;
  const allRefusals = outcomes.flatMap((o) => o.refusals);
  const refusals: Record<string, number> = {};
  for (const r of allRefusals) refusals[`${r.status} ${r.code}`] = (refusals[`${r.status} ${r.code}`] ?? 0) + 1;
  const tally: Tally = {
    delivered: 0,
    duplicates: 0,
    duplicatesAfterTimeout: 0,
    duplicatesAfterCrash: 0,
    unexplainedDuplicates: 0,
    deliveredUnaccepted: 0,
    misrouted: 0,
    bodyMismatches: 0,
    resets: 0,
    lateAnswers: 0,
  };
  for (const { receiver, timeoutMs } of input.receivers) await tallyReceiver(tally, input, receiver, timeoutMs);
  const accepted = outcomes.filter((o) => o.accepted);
  const receiverOf = new Map(input.receivers.map(({ receiver }) => [receiver.name, receiver]));
  return {
    messages: outcomes.length,
    accepted: accepted.length,
    refused: outcomes.filter((o) => o.refusals.some((r) => r.phase === 'burst')).length,
    refusals,
    refusedNot503: allRefusals.filter((r) => r.status !== 503).length,
    refusedButStored: outcomes.filter((o) => o.storedAfterRefusal === true && o.refusals.length > 0).length,
    acceptedOnResend: accepted.filter((o) => o.accepted?.phase === 'resend').length,
    cutOff: outcomes.reduce((sum, o) => sum + o.cutOff, 0),
    lost: accepted.filter((o) => !receiverOf.get(o.message.receiver)?.hasProcessed(o.message.id)).length,
    ...tally,
  };
}
