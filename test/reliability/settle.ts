import { Client, Connection } from '@temporalio/client';
import type { MessageOutcome } from './producer';
import type { CountingReceiver } from './receivers';
import { sleep } from './time';

/** Where the deliveries stood when the wait ended. */
export interface Settled {
  waitedMs: number;
  /** Accepted messages no receiver has processed (yet). */
  unprocessed: string[];
  /** Delivery workflows still running at the end, by workflow ID. */
  running: string[];
  /** Delivery workflows that closed other than COMPLETED (dead-lettered, timed out...), with status. */
  notCompleted: string[];
}

/** Describes workflows a few at a time, so the check itself does not crowd the dev server. */
async function statuses(client: Client, workflowIds: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < workflowIds.length; i += 16) {
    await Promise.all(
      workflowIds.slice(i, i + 16).map(async (id) => {
        try {
          found.set(id, (await client.workflow.getHandle(id).describe()).status.name);
        } catch {
          found.set(id, 'UNKNOWN');
        }
      }),
    );
  }
  return found;
}

const isOpen = (status: string | undefined): boolean => status === undefined || status === 'RUNNING' || status === 'UNKNOWN';

/**
 * Waits, at most `timeoutMs`, until every accepted message was processed by its receiver and every
 * delivery workflow closed. Waiting for the workflows too matters: an attempt repeated after a crash may
 * reach the receiver after the first one, and only a closed workflow makes no further attempt. A message
 * whose workflow closed without delivering it is not waited for: nothing will deliver it any more.
 */
export async function settle(outcomes: MessageOutcome[], receivers: CountingReceiver[], temporalAddress: string, timeoutMs: number): Promise<Settled> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const accepted = outcomes.filter((o) => o.accepted);
  const workflowOf = new Map(accepted.map((o) => [o.message.id, o.accepted?.workflowId ?? '']));
  const byName = new Map(receivers.map((r) => [r.name, r]));
  const unprocessed = (): string[] =>
    accepted.filter((o) => !byName.get(o.message.receiver)?.hasProcessed(o.message.id)).map((o) => o.message.id);
  const status = new Map<string, string>();
  const connection = await Connection.connect({ address: temporalAddress, connectTimeout: '10 seconds' });
  try {
    const client = new Client({ connection });
    // First the receivers, checking every few seconds whether what they still wait for can come at all.
    for (let round = 1; unprocessed().length > 0 && Date.now() < deadline; round += 1) {
      await sleep(500);
      if (round % 10 !== 0) continue;
      const waiting = unprocessed().map((id) => workflowOf.get(id) ?? '');
      for (const [id, state] of await statuses(client, waiting)) status.set(id, state);
      if (waiting.every((id) => !isOpen(status.get(id)))) break;
    }
    // Then every workflow, so that no repeated attempt is still on its way.
    for (;;) {
      const open = [...workflowOf.values()].filter((id) => isOpen(status.get(id)));
      for (const [id, state] of await statuses(client, open)) status.set(id, state);
      if (Date.now() >= deadline || [...workflowOf.values()].every((id) => !isOpen(status.get(id)))) break;
      await sleep(1_000);
    }
  } finally {
    await connection.close();
  }
  const ids = [...workflowOf.values()];
  return {
    waitedMs: Date.now() - started,
    unprocessed: unprocessed(),
    running: ids.filter((id) => isOpen(status.get(id))),
    notCompleted: ids.filter((id) => !isOpen(status.get(id)) && status.get(id) !== 'COMPLETED').map((id) => `${id} ${status.get(id)}`),
  };
}
