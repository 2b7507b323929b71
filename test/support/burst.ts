import { Agent, fetch } from 'undici';

/** One request that was sent and never answered: what a user would lose. */
export interface Unanswered {
  id: string;
  url: string;
  error: string;
}

/** What the senders of a burst saw, as a client behind a load balancer (or a retrying client) sees it. */
export interface BurstOutcome {
  /** Message ids answered 202: each one a promise of delivery. */
  accepted: Set<string>;
  /** Answers other than 202, by status. */
  otherStatus: Map<number, number>;
  /**
   * Connections refused by an API that had stopped listening, each sent again to the next API as a load
   * balancer does: nothing had been sent, so nothing was lost.
   */
  refused: number;
  /** Requests sent (or on their way on an open connection) that got no answer at all. */
  unanswered: Unanswered[];
  /** Requests to `stopping` that were sent before `stop` ran and answered after it. */
  answeredAcrossStop: number;
}

/** How a burst is sent. */
export interface BurstOptions {
  count: number;
  /** Requests in flight at once, each sender on keep-alive connections. */
  concurrency: number;
  /** APIs in the order request `i` tries them: the first is its target, the rest take it on refusal. */
  route: (i: number) => string[];
  headers: Record<string, string>;
  /** Message id of request `i`. */
  id: (i: number) => string;
  eventType: string;
  /** Called once, without pausing the other senders, when request `stopAt` is about to be sent. */
  stopAt: number;
  /** Awaited by the sender of request `stopAt` before `stop` (the moment the faults should hit). */
  beforeStop?: () => Promise<void>;
  stop: () => void;
  /** The API `stop` stops, whose requests across the stop are counted. */
  stopping: string;
}

function refusedBeforeSending(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code === 'ECONNREFUSED' || (cause?.errors ?? []).some((e) => e.code === 'ECONNREFUSED');
}

function describeError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`;
}

/**
 * Posts `count` messages from `concurrency` senders over keep-alive connections, runs `stop` when
 * request `stopAt` is due, and classifies every request's fate: accepted, answered otherwise, refused
 * (sent on to the next API), or unanswered.
 */
export async function sendBurst(options: BurstOptions): Promise<BurstOutcome> {
  const outcome: BurstOutcome = { accepted: new Set(), otherStatus: new Map(), refused: 0, unanswered: [], answeredAcrossStop: 0 };
  const agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 30_000 });
  let next = 0;
  let stopped = false;
  const sender = async (): Promise<void> => {
    while (next < options.count) {
      const i = next++;
      if (i === options.stopAt) {
        await options.beforeStop?.();
        options.stop();
        stopped = true;
      }
      const id = options.id(i);
      const route = options.route(i);
      let settled = false;
      for (const url of route) {
        const sentBeforeStop = !stopped;
        try {
          const response = await fetch(`${url}/v1/messages`, {
            method: 'POST',
            headers: { ...options.headers, 'content-type': 'application/json' },
            body: JSON.stringify({ id, eventType: options.eventType, payload: { i } }),
            dispatcher: agent,
            signal: AbortSignal.timeout(60_000),
          });
          await response.arrayBuffer();
          if (response.status === 202) outcome.accepted.add(id);
          else outcome.otherStatus.set(response.status, (outcome.otherStatus.get(response.status) ?? 0) + 1);
          if (url === options.stopping && sentBeforeStop && stopped) outcome.answeredAcrossStop += 1;
          settled = true;
          break;
        } catch (error) {
          if (refusedBeforeSending(error)) {
            outcome.refused += 1;
            continue;
          }
          outcome.unanswered.push({ id, url, error: describeError(error) });
          settled = true;
          break;
        }
      }
      if (!settled) outcome.unanswered.push({ id, url: route.join(' '), error: 'every API refused the connection' });
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, sender));
  } finally {
    await agent.close();
  }
  return outcome;
}
