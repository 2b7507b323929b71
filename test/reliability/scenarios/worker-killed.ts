import type { ScenarioDefinition } from '../scenario';
import { crashWorker, RELAXED_TIMEOUT_MS, receiverNamed, steadyReceiver } from './common';
import { seconds } from '../time';

/**
 * The worker is SIGKILLed while deliveries are under way, and started again a second later. Attempts it
 * had in flight time out (timeoutMs + 10 s) and run again on the new worker: those, and only those, may
 * reach the receiver twice.
 */
export function workerKilled(): ScenarioDefinition {
  return {
    key: 'worker-kill',
    title: 'worker killed (SIGKILL) mid-burst, restarted',
    messages: 200,
    ratePerSecond: 40,
    receivers: [{ name: 'steady', behaviour: steadyReceiver, timeoutMs: RELAXED_TIMEOUT_MS }],
    async fault(ctx) {
      const receiver = receiverNamed(ctx, 'steady');
      await receiver.processedCount.reach(ctx.messages / 4, 90_000, 'delivered messages');
      const deliveredAtKill = receiver.processedCount.value;
      const acceptedAtKill = ctx.producer.accepted.value;
      const started = Date.now();
      await crashWorker(ctx);
      ctx.expect(deliveredAtKill < ctx.messages, `the kill came after all ${ctx.messages} deliveries: not mid-burst`);
      ctx.note(`SIGKILL after ${deliveredAtKill} delivered, ${acceptedAtKill} accepted; new worker polling ${seconds(Date.now() - started)} later`);
    },
  };
}
