import { WorkflowFailedError } from '@temporalio/client';
import { deliveryWorkflowId } from '../../workflows/definitions';
import type { BenchContext } from './context';
import { drain } from './hookway-throughput';
import { DOWN_ROUTE } from './isolation';

/** The most missing deliveries whose workflow the check describes (one RPC each). */
const DESCRIBE_AT_MOST = 200;

/** Accepted versus received, over every route but the endpoint kept down on purpose. */
export interface DeliveryCheck {
  /** Deliveries accepted (202). */
  accepted: number;
  /** Of those, received by the end of the run. */
  received: number;
  /** Accepted and not received by the end of the run. */
  lost: number;
  lostByRoute: Record<string, number>;
  /**
   * Why the missing ones are missing: the Temporal status of their delivery workflow (RUNNING means
   * still queued or retrying when the run ended, i.e. late rather than dropped); at most 200 described.
   */
  missingByWorkflowStatus: Record<string, number>;
  /** Of the described ones that failed, how many failed with each failure message (first 120 characters). */
  missingFailures: Record<string, number>;
  /** Requests that repeated a delivery already received. */
  duplicates: number;
}

// While deliveries keep arriving, the check waits on, in rounds of the drain timeout, at most this long.
const PROGRESS_WAIT_MS = 15 * 60_000;

function arrivedOn(ctx: BenchContext, routes: string[]): number {
  return routes.reduce((sum, route) => sum + ctx.receiver.route(route).delivered.size, 0);
}

/**
 * Waits for any delivery still on its way (a round of the drain timeout at a time, for as long as each round
 * brings arrivals, up to 15 minutes), then compares the ledger of 202s with the receiver's arrivals. Every
 * accepted delivery that did not arrive counts as lost: late ones were waited for as long as they came, so
 * what is missing had stopped coming. The workflow status of each says whether Hookway still held it.
 */
export async function checkDeliveries(ctx: BenchContext): Promise<DeliveryCheck> {
  const routes = ctx.ledger.routes().filter((route) => route !== DOWN_ROUTE);
  const giveUpAt = Date.now() + PROGRESS_WAIT_MS;
  for (let before = -1; !(await drain(ctx, routes)) && Date.now() < giveUpAt; ) {
    const now = arrivedOn(ctx, routes);
    if (now === before) break;
    ctx.say(`  ${now} arrived so far, still coming: waiting on...`);
    before = now;
  }
  const check: DeliveryCheck = { accepted: 0, received: 0, lost: 0, lostByRoute: {}, missingByWorkflowStatus: {}, missingFailures: {}, duplicates: 0 };
  const missing: string[] = [];
  for (const route of routes) {
    const log = ctx.receiver.route(route);
    check.duplicates += log.duplicates;
    const endpointId = ctx.ledger.endpointOf(route) ?? '';
    for (const id of ctx.ledger.acceptedFor(route).keys()) {
      check.accepted += 1;
      if (log.delivered.has(id)) {
        check.received += 1;
        continue;
      }
      check.lost += 1;
      check.lostByRoute[route] = (check.lostByRoute[route] ?? 0) + 1;
      missing.push(deliveryWorkflowId(endpointId, id));
    }
  }
  for (const workflowId of missing.slice(0, DESCRIBE_AT_MOST)) {
    const handle = ctx.stack.temporalClient.client.workflow.getHandle(workflowId);
    let status: string;
    try {
      status = (await handle.describe()).status.name;
    } catch {
      status = 'NOT_FOUND';
    }
    check.missingByWorkflowStatus[status] = (check.missingByWorkflowStatus[status] ?? 0) + 1;
    if (status === 'FAILED') {
      const why = await handle.result().then(
        () => 'completed meanwhile',
        (error: unknown) => (error instanceof WorkflowFailedError ? (error.cause?.message ?? error.message) : String(error)).slice(0, 120),
      );
      check.missingFailures[why] = (check.missingFailures[why] ?? 0) + 1;
    }
  }
  return check;
}
