import type { MessageOutcome } from './producer';
import type { CountingReceiver, Reception } from './receivers';
import type { ScenarioContext, ScenarioDefinition, ScenarioEvidence } from './scenario';
import type { UnexpectedExit } from '../../src/runtime/supervised-process';

/** How long the wait for deliveries may take; a message still undelivered then counts as lost. */
export const SETTLE_TIMEOUT_MS = 120_000;

const first = (items: string[]): string => items.slice(0, 5).join(', ');

/**
 * What every scenario must show, whatever its fault: nothing accepted is lost, every refusal is a 503,
 * every duplicate is the same message and has a cause, every 202 is in PostgreSQL with its delivery
 * recorded as succeeded, and every delivery workflow completed.
 */
export function checkCommon(def: ScenarioDefinition, ctx: ScenarioContext, evidence: ScenarioEvidence, stored: Map<string, string>): void {
  const { figures, outcomes, settled } = evidence;
  ctx.expect(figures.lost === 0, `${figures.lost} accepted messages were never delivered: ${first(settled.unprocessed)}`);
  ctx.expect(figures.refusedNot503 === 0, `${figures.refusedNot503} refusals were not 503: ${JSON.stringify(figures.refusals)}`);
  ctx.expect(figures.bodyMismatches === 0, `${figures.bodyMismatches} webhook-ids arrived with differing bodies or another message's body`);
  ctx.expect(figures.misrouted === 0, `${figures.misrouted} requests reached a receiver the message was not for`);
  ctx.expect(figures.unexplainedDuplicates === 0, `${figures.unexplainedDuplicates} duplicates came from no crash and no timed-out attempt`);
  ctx.expect(settled.running.length === 0, `${settled.running.length} delivery workflows still running after ${SETTLE_TIMEOUT_MS} ms: ${first(settled.running)}`);
  ctx.expect(settled.notCompleted.length === 0, `delivery workflows that did not complete: ${first(settled.notCompleted)}`);

  const accepted = outcomes.filter((o) => o.accepted).map((o) => o.message.id);
  const notStored = accepted.filter((id) => !stored.has(id));
  ctx.expect(notStored.length === 0, `${notStored.length} messages answered 202 are not in PostgreSQL: ${first(notStored)}`);
  const unrecorded = accepted.filter((id) => stored.has(id) && stored.get(id) !== 'succeeded').map((id) => `${id}=${stored.get(id)}`);
  ctx.expect(unrecorded.length === 0, `${unrecorded.length} accepted messages whose delivery is not 'succeeded' in PostgreSQL: ${first(unrecorded)}`);
  const neverAccepted = outcomes.filter((o) => !o.accepted).map((o) => o.message.id);
  ctx.expect(neverAccepted.length === 0, `${neverAccepted.length} messages were still not accepted after the fault: ${first(neverAccepted)}`);
  if (!def.expectsCutOff) {
    ctx.expect(figures.cutOff === 0, `${figures.cutOff} requests to the API got no answer at all (it should answer, 503 at worst)`);
  }
}

/** Exits nobody asked for: a note where the scenario allows them (as designed), otherwise a failure. */
export function checkExits(def: ScenarioDefinition, ctx: ScenarioContext, exits: UnexpectedExit[]): void {
  for (const exit of exits) {
    const what = `${exit.name} exited on its own (${exit.signal ?? `code ${exit.code}`})`;
    if ((def.mayExit ?? []).some((name) => name === exit.name)) ctx.note(`${what}; its supervisor restarted it`);
    else ctx.expect(false, `${what}; its log ends:\n${exit.logTail}`);
  }
}

/** One request the receiver saw, with its message's number in its ordering key's stream. */
interface NumberedReception {
  sequence: number;
  reception: Reception;
}

/** What happened to one ordering key: its numbers in the order the lane posted, and every request seen. */
export interface KeyOrder {
  key: string;
  /** `deliveries[0].sequence` of each accepted message, in posting order. */
  accepted: number[];
  /** Every request for the key's messages, in arrival order. */
  seen: NumberedReception[];
}

/** Per ordering key, the stream numbers the API gave its messages and the requests `receiver` saw for them. */
export function ordersByKey(outcomes: MessageOutcome[], receiver: CountingReceiver): KeyOrder[] {
  const orders = new Map<string, KeyOrder>();
  const byId = new Map<string, { order: KeyOrder; sequence: number }>();
  for (const { message, accepted } of outcomes) {
    if (message.orderingKey === undefined || accepted?.sequence == null) continue;
    const order = orders.get(message.orderingKey) ?? { key: message.orderingKey, accepted: [], seen: [] };
    orders.set(order.key, order);
    order.accepted.push(accepted.sequence);
    byId.set(message.id, { order, sequence: accepted.sequence });
  }
  for (const reception of receiver.receptions) {
    const known = byId.get(reception.webhookId);
    known?.order.seen.push({ sequence: known.sequence, reception });
  }
  return [...orders.values()];
}

const numbers = (seen: NumberedReception[]): string => seen.map((s) => (s.reception.action === 'process' ? `${s.sequence}` : `${s.sequence}x`)).join(',');

/**
 * Per ordering key: the API numbered the messages 1..n in the order their lane posted them; the receiver
 * processed them exactly in that order, a number repeated only right after itself (the ledger explains
 * each repeat); and no request for a number, processed or not, came after one for a higher number.
 * Failures quote the key's requests (`x`: a request the receiver failed).
 * @returns how many keys passed all three.
 */
export function checkOrder(ctx: ScenarioContext, orders: KeyOrder[]): number {
  let inOrder = 0;
  for (const { key, accepted, seen } of orders) {
    const expected = accepted.map((_, i) => i + 1);
    ctx.expect(accepted.join() === expected.join(), `${key}: the 202s numbered the lane's messages ${accepted.join(',')}, not 1..${accepted.length}`);
    const processed = seen.filter((s) => s.reception.action === 'process').map((s) => s.sequence);
    const collapsed = processed.filter((sequence, i) => i === 0 || sequence !== processed[i - 1]);
    ctx.expect(collapsed.join() === expected.join(), `${key}: processed ${processed.join(',')}, not 1..${accepted.length} in order`);
    const back = seen.findIndex((s, i) => i > 0 && s.sequence < seen[i - 1].sequence);
    if (back < 0) {
      if (accepted.join() === expected.join() && collapsed.join() === expected.join()) inOrder += 1;
      continue;
    }
    const { sequence, reception } = seen[back];
    ctx.expect(
      false,
      `${key}: a request for #${sequence} (${reception.webhookId}, ${new Date(reception.arrivedAt).toISOString()}) came after #${seen[back - 1].sequence}; ` +
        `requests in arrival order: ${numbers(seen)}`,
    );
  }
  return inOrder;
}
