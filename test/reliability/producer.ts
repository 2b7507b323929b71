import type { MessageView } from '../../src/api/messages/message.view';
import { Counter } from './counter';
import { sleep } from './time';

/** One message of a burst: its own id (the `webhook-id` receivers will see) and whose it is. */
export interface PlannedMessage {
  seq: number;
  id: string;
  eventType: string;
  /** Name of the receiver subscribed to `eventType`. */
  receiver: string;
  /** Sent as the message's `orderingKey`; unset for an unordered message. */
  orderingKey?: string;
}

/** A non-202 answer. */
export interface Refusal {
  status: number;
  /** `error.code` of the answer, e.g. `postgres_unavailable`. */
  code: string;
  at: number;
  phase: 'burst' | 'resend';
}

/** Everything that happened to one message on its way in. */
export interface MessageOutcome {
  message: PlannedMessage;
  /** Tries that got no HTTP answer (refused or cut connection); each was repeated with the same id. */
  cutOff: number;
  refusals: Refusal[];
  /** Set once the API answered 202. */
  accepted?: { at: number; phase: 'burst' | 'resend'; deliveryId: string; workflowId: string; sequence: number | null };
  /** For a refused message, looked up before it was sent again: did the API keep it anyway? */
  storedAfterRefusal?: boolean;
}

/** How a burst is paced. */
export interface BurstOptions {
  ratePerSecond: number;
  concurrency: number;
  /** Called as soon as a 202 arrives, before the next request; a fault may strike right there. */
  onAccepted?: (outcome: MessageOutcome) => void;
}

type Answer = { status: number; body: unknown } | undefined;

// A request the API neither answers nor refuses within this long counts as cut off.
const REQUEST_TIMEOUT_MS = 30_000;
// A message whose tries all go unanswered for this long is given up (and counted as never accepted).
const MESSAGE_DEADLINE_MS = 90_000;

function errorCode(body: unknown): string {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' ? code : 'none';
}

/**
 * The client side of a run: posts planned messages to `POST /v1/messages` as a careful producer would.
 * A try without an answer is repeated with the same id (the documented idempotent repeat); a refusal is
 * recorded and left for `resend`, after the fault is over.
 */
export class Producer {
  /** Messages answered 202 so far. */
  readonly accepted = new Counter();

  constructor(
    private readonly apiUrl: string,
    private readonly headers: Record<string, string>,
  ) {}

  /**
   * Posts every message once, `concurrency` at a time, starting at most `ratePerSecond` per second. A plan
   * with ordering keys runs one lane per key instead, as the README asks of a producer whose order
   * matters: each message is posted until accepted (503s repeated) before the key's next one.
   */
  async burst(plan: PlannedMessage[], options: BurstOptions): Promise<MessageOutcome[]> {
    const outcomes = plan.map((message): MessageOutcome => ({ message, cutOff: 0, refusals: [] }));
    const started = Date.now();
    const paced = async (i: number): Promise<void> => {
      const wait = started + (i * 1000) / options.ratePerSecond - Date.now();
      if (wait > 0) await sleep(wait);
    };
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < outcomes.length; i = next++) {
        await paced(i);
        await this.deliverOnce(outcomes[i], 'burst', options.onAccepted);
      }
    };
    const keyLane = async (key: string): Promise<void> => {
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.message.orderingKey !== key) continue;
        await paced(i);
        await this.untilAccepted(outcome, 'burst', options.onAccepted);
      }
    };
    const keys = new Set(plan.flatMap((m) => (m.orderingKey === undefined ? [] : [m.orderingKey])));
    await Promise.all(keys.size > 0 ? [...keys].map(keyLane) : Array.from({ length: options.concurrency }, lane));
    return outcomes;
  }

  /**
   * After recovery: for each message not accepted, first asks whether the API stored it anyway, then posts
   * it again with the same id until 202 (repeating refusals with 503 and tries without answer).
   */
  async resend(outcomes: MessageOutcome[]): Promise<void> {
    const pending = outcomes.filter((o) => !o.accepted);
    await Promise.all(
      pending.map(async (outcome) => {
        const lookup = await this.untilAnswered(() => this.request('GET', `/v1/messages/${outcome.message.id}`), outcome, 'resend');
        if (lookup?.status === 200 || lookup?.status === 404) outcome.storedAfterRefusal = lookup.status === 200;
        await this.untilAccepted(outcome, 'resend');
      }),
    );
  }

  /** Posts the message with its id until 202, repeating refusals with 503; gives up on any other refusal. */
  private async untilAccepted(outcome: MessageOutcome, phase: 'burst' | 'resend', onAccepted?: (o: MessageOutcome) => void): Promise<void> {
    const deadline = Date.now() + MESSAGE_DEADLINE_MS;
    while (!outcome.accepted && Date.now() < deadline) {
      const status = await this.deliverOnce(outcome, phase, onAccepted);
      if (status !== 503) break;
      await sleep(500);
    }
  }

  /** Posts until the API answers; records the answer; returns its status (undefined if none came). */
  private async deliverOnce(outcome: MessageOutcome, phase: 'burst' | 'resend', onAccepted?: (o: MessageOutcome) => void): Promise<number | undefined> {
    const { id, eventType, seq, orderingKey } = outcome.message;
    const body = { id, eventType, orderingKey, payload: { seq, id } };
    const answer = await this.untilAnswered(() => this.request('POST', '/v1/messages', body), outcome, phase);
    if (!answer) return undefined;
    if (answer.status === 202) {
      const view = answer.body as MessageView;
      const delivery = view.deliveries[0];
      outcome.accepted = { at: Date.now(), phase, deliveryId: delivery?.id ?? '', workflowId: delivery?.workflowId ?? '', sequence: delivery?.sequence ?? null };
      this.accepted.increment();
      onAccepted?.(outcome);
    } else {
      outcome.refusals.push({ status: answer.status, code: errorCode(answer.body), at: Date.now(), phase });
    }
    return answer.status;
  }

  private async untilAnswered(call: () => Promise<Answer>, outcome: MessageOutcome, phase: 'burst' | 'resend'): Promise<Answer> {
    const deadline = Date.now() + MESSAGE_DEADLINE_MS;
    while (Date.now() < deadline) {
      const answer = await call();
      if (answer) return answer;
      if (phase === 'burst') outcome.cutOff += 1;
      await sleep(250);
    }
    return undefined;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
    try {
      const response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.status, body: parsed };
    } catch {
      // Connection refused, reset or timed out: no answer, so nothing is known about this try.
      return undefined;
    }
  }
}
