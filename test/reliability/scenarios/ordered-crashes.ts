import { checkOrder, ordersByKey } from '../checks';
import { fixedFraction, type Behaviour } from '../receivers';
import type { ScenarioDefinition } from '../scenario';
import { crashTemporal, crashWorker, receiverNamed, steadyReceiver } from './common';
import { seconds } from '../time';

const KEYS = 8;
/**
 * Hookway's default per-attempt deadline. An attempt cut off by a crash is retried only when its activity
 * times out (this + 10 s); the default, not a shortened one, shows what a stream does in the meantime.
 */
const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Resets the connection (unprocessed: Hookway retries) on a fifth of first tries and a twentieth of second
 * tries; otherwise the steady receiver. A stream must hold its next message back through every retry.
 */
const sometimesFails: Behaviour = (seq, nth) => {
  const fraction = fixedFraction(seq, 6);
  const fail = (nth === 0 && fraction < 0.2) || (nth === 1 && fraction < 0.05);
  return fail ? { action: 'reset', delayMs: 20 } : steadyReceiver(seq, nth);
};

/**
 * Ordered delivery through both crashes that can cut off an attempt: messages over 8 ordering keys, each
 * key's posted in order by its own lane, to a receiver that fails some requests; the worker is SIGKILLed
 * and restarted, then the Temporal dev server is killed and restarted. Per key, the receiver must process
 * the messages exactly in their stream order (a crash may repeat one right away, nothing more) and never
 * see a request for a message after one for a later message.
 */
export function orderedCrashes(): ScenarioDefinition {
  return {
    key: 'ordered',
    title: `ordered delivery (${KEYS} keys, receiver failing some requests): worker SIGKILLed, then Temporal killed, mid-burst`,
    messages: 160,
    orderingKeys: KEYS,
    // Slow enough that messages are still being posted (and streams woken) when Temporal comes back.
    ratePerSecond: 4,
    receivers: [{ name: 'flaky', behaviour: sometimesFails, timeoutMs: DEFAULT_TIMEOUT_MS }],
    mayExit: ['worker'],
    async fault(ctx) {
      const receiver = receiverNamed(ctx, 'flaky');
      await receiver.processedCount.reach(ctx.messages / 4, 90_000, 'delivered messages');
      const deliveredAtKill = receiver.processedCount.value;
      await crashWorker(ctx);
      // Once deliveries flow again after the worker's restart, so that attempts are in flight at this kill too.
      await receiver.processedCount.reach(ctx.messages * 0.45, 90_000, 'delivered messages');
      const acceptedAtKill = ctx.producer.accepted.value;
      const deliveredAtTemporalKill = receiver.processedCount.value;
      const started = Date.now();
      await crashTemporal(ctx);
      ctx.expect(acceptedAtKill < ctx.messages, `Temporal was killed after all ${ctx.messages} messages were accepted: not mid-burst`);
      ctx.note(
        `worker SIGKILL after ${deliveredAtKill} delivered; Temporal SIGKILL after ${acceptedAtKill} accepted, ` +
          `${deliveredAtTemporalKill} delivered, answering again ${seconds(Date.now() - started)} later`,
      );
    },
    verify(ctx, { outcomes }) {
      const orders = ordersByKey(outcomes, receiverNamed(ctx, 'flaky'));
      ctx.expect(orders.length === KEYS, `messages were accepted for ${orders.length} ordering keys, not ${KEYS}`);
      const inOrder = checkOrder(ctx, orders);
      const seen = orders.flatMap((o) => o.seen);
      const failed = seen.filter((s) => s.reception.action === 'reset').length;
      ctx.note(
        `${KEYS} keys × ${ctx.messages / KEYS} messages, ${seen.length} requests (${failed} failed by the receiver and retried); ` +
          `${inOrder} of ${orders.length} keys fully in stream order`,
      );
    },
  };
}
